/**
 * @module Which directors carry a virtual server (their latest reports are in
 * status/report-store.ts). Read by the fleet views and by drain waits.
 */
/**
 * The names of the directors whose documents carry a virtual server: the members of its VRRP
 * instance, or every director of the site when it has none (as compile/desired-state.ts decides).
 */
export function carriersOf(
  virtualServer: { vrrpInstance?: string | undefined },
  instances: readonly { name: string; members: readonly { director: string }[] }[],
  directorNames: readonly string[],
): string[] {
  if (virtualServer.vrrpInstance === undefined) return [...directorNames];
  const instance = instances.find((i) => i.name === virtualServer.vrrpInstance);
  const members = new Set(instance?.members.map((m) => m.director) ?? []);
  return directorNames.filter((name) => members.has(name));
}
