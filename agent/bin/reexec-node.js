// Replacing this Node process by the same Node with more V8 flags (execve(2) through the small
// native addon in agent/native/packet-socket: same pid, same stdio), for the launcher
// (fleetlb-agent.js, before the agent loads) and for an agent's first start in control-plane mode
// (agent/runtime/first-document.ts, once its first document tells its size).

/**
 * Re-execs this process with `flags` before its own (`process.execArgv`), the same script and
 * arguments, and its environment plus `extraEnv`. Returns only by throwing: the addon is not
 * built, or exec was refused.
 */
export async function reexecNode(flags, extraEnv = {}) {
  const { reexec } = await import('@fleetlb/packet-socket/reexec');
  const argv = [...flags, ...process.execArgv, process.argv[1], ...process.argv.slice(2)];
  // eslint-disable-next-line no-restricted-properties -- execve passes the environment on as is
  const variables = { ...process.env, ...extraEnv };
  const env = Object.entries(variables).map(([name, value]) => `${name}=${value}`);
  reexec(process.execPath, [process.execPath, ...argv], env);
}
