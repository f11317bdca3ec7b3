/**
 * @module The end-to-end lab, run INSIDE the VM (test/vm/guest/end-to-end.guest.ts): one L2
 * segment (bridge `e2e` in the guest's root namespace, which also hosts PostgreSQL and the
 * control plane), two directors, two direct-routing real servers and a client, each in its own
 * namespace. Addresses are TEST-NET-1 only.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const SITE = 'e2e';
export const CP_ADDRESS = '192.0.2.1';
export const CP_URL = `http://${CP_ADDRESS}:8080`;
export const VIP = '192.0.2.100';
export const HTTP_PORT = 8080;
export const ECHO_PORT = 7007;

export type Role = 'director' | 'real-server' | 'client';
export interface LabHost {
  name: string;
  address: string;
  role: Role;
}

export const HOSTS: readonly LabHost[] = [
  { name: 'd1', address: '192.0.2.11', role: 'director' },
  { name: 'd2', address: '192.0.2.12', role: 'director' },
  // d3 runs the agent standalone from a keepalived.conf describing the same site.
  { name: 'd3', address: '192.0.2.13', role: 'director' },
  { name: 'r1', address: '192.0.2.21', role: 'real-server' },
  { name: 'r2', address: '192.0.2.22', role: 'real-server' },
  { name: 'client', address: '192.0.2.2', role: 'client' },
];
export const ns = (name: string): string => `e2e-${name}`;
export const hostNamed = (name: string): LabHost => HOSTS.find((h) => h.name === name)!;

/** Runs a shell script (bash), failing with its stderr. */
export async function sh(script: string, timeoutMs = 60_000): Promise<string> {
  const { stdout } = await execFileAsync('bash', ['-c', script], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 << 20,
  });
  return stdout;
}

const batch = (nsName: string | undefined, commands: readonly string[]): string =>
  `ip ${nsName ? `-n ${nsName} ` : ''}-batch - <<'EOF'\n${commands.join('\n')}\nEOF`;

/** The whole segment as one script: namespaces, veths on the bridge, addresses, sysctls. */
export function topologyScript(): string {
  // Direct routing: the real servers hold the VIP on lo and never answer ARP for it.
  const arp = 'net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2';
  return [
    'set -e',
    'modprobe ip_vs',
    ...HOSTS.map((h) => `ip netns add ${ns(h.name)}`),
    batch(undefined, [
      'link add e2e type bridge',
      `addr add ${CP_ADDRESS}/24 dev e2e`,
      'link set e2e up',
      ...HOSTS.flatMap((h) => [
        `link add ve-${h.name} type veth peer name eth0 netns ${ns(h.name)}`,
        `link set ve-${h.name} master e2e up`,
      ]),
    ]),
    ...HOSTS.filter((h) => h.role === 'real-server').map(
      (h) => `ip netns exec ${ns(h.name)} sysctl -qw ${arp}`,
    ),
    // Directors forward, as every LVS director is set up to.
    ...HOSTS.filter((h) => h.role === 'director').map(
      (h) => `ip netns exec ${ns(h.name)} sysctl -qw net.ipv4.ip_forward=1`,
    ),
    ...HOSTS.map((h) =>
      batch(ns(h.name), [
        'link set lo up',
        `addr add ${h.address}/24 dev eth0`,
        'link set eth0 up',
        ...(h.role === 'real-server' ? [`addr add ${VIP}/32 dev lo`] : []),
      ]),
    ),
  ].join('\n');
}

export const TEARDOWN = [
  `ip -force -batch - <<'EOF'`,
  ...HOSTS.map((h) => `netns del ${ns(h.name)}`),
  'link del e2e',
  'EOF',
].join('\n');

/** `ipvsadm -Sn` in a director's namespace: the kernel's table as ipvsadm saves it. */
export async function ipvsRules(host: string): Promise<string> {
  return sh(`ip netns exec ${ns(host)} ipvsadm -Sn`);
}

/** Each destination's weight in a director's kernel, keyed `VIP:port -> RIP:port`. */
export async function ipvsWeights(host: string): Promise<Map<string, number>> {
  const weights = new Map<string, number>();
  for (const line of (await ipvsRules(host)).split('\n')) {
    const dest = /^-a -t (\S+) -r (\S+) -g -w (\d+)/.exec(line);
    if (dest) weights.set(`${dest[1]} -> ${dest[2]}`, Number(dest[3]));
  }
  return weights;
}

/** Whether the VIP is on a director's eth0. */
export async function holdsVip(host: string): Promise<boolean> {
  const out = await sh(`ip -n ${ns(host)} -o -4 addr show dev eth0`);
  return out.includes(` ${VIP}/`);
}
