/**
 * @module The keepalived.conf both implementations run in the footprint benchmark: one VRRP
 * instance (idle), and the same plus `virtualServers` × `realServers` TCP_CHECKs every
 * `delayLoopS` against one local server (at scale). fleetlb reads the file itself
 * (`fleetlb-agent --keepalived-conf`), so both run exactly the same configuration.
 */

export const INTERFACE = 'eth0';
export const HOST_ADDRESS = '192.0.2.11/24';
const VIP = '192.0.2.100/24';

export interface ScaleOptions {
  virtualServers: number;
  realServers: number;
  /** The port of the local target server; real server r is 127.0.0.(r + 1) on it. */
  port: number;
  delayLoopS: number;
}

function vrrpInstance(): string[] {
  return [
    'vrrp_instance VI_1 {',
    '  state MASTER',
    `  interface ${INTERFACE}`,
    '  virtual_router_id 51',
    '  priority 150',
    '  advert_int 1',
    '  virtual_ipaddress {',
    `    ${VIP} dev ${INTERFACE}`,
    '  }',
    '}',
  ];
}

/** One VRRP instance and nothing else. */
export function idleConfig(): string {
  return `${['global_defs {', '  router_id footprint', '}', ...vrrpInstance()].join('\n')}\n`;
}

/** The VRRP instance plus virtual servers on TEST-NET-3, each with its TCP-checked real servers. */
export function scaleConfig(o: ScaleOptions): string {
  const lines = ['global_defs {', '  router_id footprint', '}', ...vrrpInstance()];
  for (let v = 0; v < o.virtualServers; v++) {
    // 203.0.113.1-250, then the next port: distinct virtual servers without leaving TEST-NET-3.
    const address = `203.0.113.${(v % 250) + 1}`;
    const port = 1000 + Math.floor(v / 250);
    lines.push(`virtual_server ${address} ${port} {`, `  delay_loop ${o.delayLoopS}`);
    lines.push('  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < o.realServers; r++) {
      // All of 127/8 is loopback: one target server answers for every real server.
      lines.push(`  real_server 127.0.0.${r + 1} ${o.port} {`, '    weight 1');
      lines.push('    TCP_CHECK {', '      connect_timeout 1', '    }', '  }');
    }
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}
