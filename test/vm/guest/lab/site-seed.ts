/**
 * @module The end-to-end site, created through the API: directors d1 (priority 150) and d2 (100)
 * sharing VRRP instance `web` (VRRPv3, 0.5 s adverts) for the VIP, and two direct-routing virtual
 * servers on it (HTTP with an HTTP check, an echo service with a TCP check) over real servers r1
 * and r2; and the keepalived.conf that says the same for a third director, d3.
 */
import type { Api } from './control-plane-lab.js';
import { ECHO_PORT, HTTP_PORT, hostNamed, SITE, VIP } from './site-lab.js';

/**
 * Check timing of both virtual servers: what the rise/fall test measures against. keepalivedConf()
 * says the same: connect_timeout 0.8, delay_loop 1, retry 2 (= fall 3).
 */
export const CHECK = { intervalMs: 1000, timeoutMs: 800, rise: 2, fall: 3 };
export const ADVERT_CS = 50;

const realServers = (port: number, check: Record<string, unknown>) =>
  ['r1', 'r2'].map((name) => ({
    name,
    address: hostNamed(name).address,
    port,
    weight: 1,
    labels: { host: name },
    checks: [check],
  }));

export async function seedSite(api: Api): Promise<void> {
  await api('POST', '/v1/sites', { name: SITE });
  for (const name of ['d1', 'd2']) {
    const address = hostNamed(name).address;
    await api('POST', `/v1/sites/${SITE}/directors`, {
      name,
      address,
      metricsAddress: `${address}:9500`,
    });
  }
  await api('POST', `/v1/sites/${SITE}/vrrp-instances`, {
    name: 'web',
    vrid: 51,
    version: 3,
    interface: 'eth0',
    advertIntervalCs: ADVERT_CS,
    vips: [{ address: VIP, prefixLength: 32 }],
    members: [
      { director: 'd1', priority: 150 },
      { director: 'd2', priority: 100 },
    ],
  });
  const services = [
    { name: 'web-http', port: HTTP_PORT, check: { type: 'http', path: '/' } },
    { name: 'echo', port: ECHO_PORT, check: { type: 'tcp' } },
  ];
  for (const vs of services) {
    await api('POST', `/v1/sites/${SITE}/virtual-servers`, {
      name: vs.name,
      vrrpInstance: 'web',
      address: VIP,
      port: vs.port,
      protocol: 'tcp',
      scheduler: 'rr',
      forwarding: 'dr',
      checkDefaults: CHECK,
    });
    for (const rs of realServers(vs.port, vs.check)) {
      await api('POST', `/v1/sites/${SITE}/virtual-servers/${vs.name}/real-servers`, rs);
    }
  }
}

/** A new agent token for `director`. */
export async function agentToken(api: Api, director: string): Promise<string> {
  const { body } = await api('POST', '/v1/tokens', {
    name: `agent-${director}`,
    role: 'agent',
    site: SITE,
    director,
  });
  return (body as { token: string }).token;
}

/** The same site as keepalived.conf, for d3 at priority 50 (it stays BACKUP). */
export function keepalivedConf(): string {
  const realServer = (name: string, port: number, check: string) => `
  real_server ${hostNamed(name).address} ${port} {
    weight 1
    ${check}
  }`;
  const http = `HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 0.8
      retry 2
      delay_before_retry 1
    }`;
  const tcp = `TCP_CHECK {
      connect_timeout 0.8
      retry 2
      delay_before_retry 1
    }`;
  const virtualServer = (port: number, check: string) => `
virtual_server ${VIP} ${port} {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
${['r1', 'r2'].map((n) => realServer(n, port, check)).join('\n')}
}`;
  return `! the e2e site, as keepalived would run it on d3
global_defs {
  router_id d3
  vrrp_version 3
}

vrrp_instance web {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 50
  advert_int ${ADVERT_CS / 100}
  virtual_ipaddress {
    ${VIP}/32 dev eth0
  }
}
${virtualServer(HTTP_PORT, http)}
${virtualServer(ECHO_PORT, tcp)}
`;
}
