/**
 * fleetlb's VRRP adverts on the wire, as tshark decodes them: two fleetlb agents (d1 priority
 * 150, d2 priority 100) run four virtual routers (VRRPv2 with PASS auth; VRRPv3 over IPv4 with
 * the pseudo-header checksum; VRRPv3 over IPv4 with `v3ChecksumAsV2`, decoded with tshark's
 * `vrrp.v3_checksum_as_in_v2` preference; VRRPv3 over IPv6) while tshark captures on the bridge.
 * d1 takes mastership, then is stopped (priority-0 adverts) and d2 takes over. Every advert must
 * decode with a Good checksum, no expert error, TTL / hop limit 255 and the sender's VRID,
 * priority, interval, auth and addresses; the new master's gratuitous ARPs (sender = target =
 * VIP) and unsolicited NAs (target = VIP, override flag) must appear. The delay from a
 * transition's `wallMs` to its first GARP / NA is printed for benchmarks, not asserted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { desiredDocument, eventually, startAgent, type LabAgent } from '../support/vrrp-lab.js';

const skip = labPrerequisite(['tshark']);
const START_MS = 60_000; // a bound for agent start-up under load, not a measurement
const DIRECTORS = [
  { name: 'd1', ipv4: '192.0.2.11', ipv6: '2001:db8::11', priority: 150 },
  { name: 'd2', ipv4: '192.0.2.12', ipv6: '2001:db8::12', priority: 100 },
] as const;
const INSTANCES = [
  ...[{ name: 'w-v2', vrid: 11, version: 2, advertIntervalCs: 100, authPassword: 'wire-pw' }],
  ...[{ name: 'w-v3', vrid: 12, version: 3, advertIntervalCs: 10 }],
  ...[{ name: 'w-v3-as-v2', vrid: 13, version: 3, advertIntervalCs: 10, v3ChecksumAsV2: true }],
  ...[{ name: 'w-v6', vrid: 14, version: 3, advertIntervalCs: 10 }],
].map((i) => ({ ...i, interface: 'eth0', version: i.version as 2 | 3, vips: vipsOf(i.vrid) }));

/** Two IPv4 VIPs per IPv4 router (the address list has two entries), one IPv6 VIP. */
function vipsOf(vrid: number): Array<{ address: string; prefixLength: number }> {
  if (vrid === 14) return [{ address: '2001:db8::140', prefixLength: 64 }];
  return [0, 1].map((n) => ({ address: `192.0.2.${vrid * 10 + n}`, prefixLength: 24 }));
}

const VRRP_FIELDS = [
  ...['frame.time_epoch', 'eth.src', 'ip.src', 'ipv6.src', 'ip.ttl', 'ipv6.hlim'],
  ...['vrrp.version', 'vrrp.type', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.addr_count'],
  ...['vrrp.auth_type', 'vrrp.auth_string', 'vrrp.adver_int', 'vrrp.short_adver_int'],
  ...['vrrp.checksum.status', 'vrrp.ip_addr', 'vrrp.ipv6_addr', '_ws.expert.severity'],
  '_ws.expert.message',
];
const ARP_FIELDS = [
  ...['frame.time_epoch', 'eth.src', 'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4'],
];
const NA_FIELDS = [
  ...['frame.time_epoch', 'eth.src', 'ipv6.hlim', 'icmpv6.nd.na.target_address'],
  ...['icmpv6.nd.na.flag.o', 'icmpv6.checksum.status'],
];
/** PI_WARN in epan/proto.h: tshark's severity for a bad checksum (PI_ERROR: malformed). */
const EXPERT_WARN = 0x00600000;

type Frame = Record<string, string>;

/** Decodes `file` with tshark: one record per frame matching `filter`. */
function decode(file: string, filter: string, fields: string[], prefs: string[] = []): Frame[] {
  const argv = ['-r', file, '-n', '-Y', filter, '-T', 'fields', '-E', 'separator=|'];
  const out = execFileSync('tshark', [...argv, ...prefs, ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const values = line.split('|');
      const normal = (v: string) => ({ True: '1', False: '0' })[v] ?? v;
      return Object.fromEntries(fields.map((f, i) => [f, normal(values[i] ?? '')]));
    });
}

describe('VRRP adverts, GARPs and NAs as tshark decodes them', { skip }, () => {
  let lab: NetnsLab;
  const file = join(mkdtempSync(join(tmpdir(), 'fleetlb-wire-')), 'vrrp.pcapng');
  const agents: LabAgent[] = [];
  const macs = new Map<string, string>();

  before(async () => {
    lab = await NetnsLab.start();
    for (const d of DIRECTORS) {
      const host = lab.addHost(d.name, { addresses: [`${d.ipv4}/24`, `${d.ipv6}/64`] });
      macs.set(d.name, host.mac);
    }
    const ready = (host: string) =>
      lab.run(
        ['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link', '-tentative'],
        host,
      ) !== '';
    await eventually(() => DIRECTORS.every((d) => ready(d.name)), 60_000, 'IPv6 DAD');
  });
  after(async () => {
    const running = agents.filter((a) => a.process.exitCode === null && !a.process.signalCode);
    await Promise.all(running.map((a) => (a.process.kill('SIGTERM'), once(a.process, 'exit'))));
    await lab?.stop();
  });

  test('every advert decodes cleanly; the new master announces its VIPs', async () => {
    const filter = 'ip proto 112 or ip6 proto 112 or arp or icmp6';
    const argv = ['tshark', '-i', 'br0', '-n', '-a', 'duration:600', '-f', filter, '-w', file];
    const tshark: ChildProcess = lab.spawn(argv);
    let stderr = '';
    tshark.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await eventually(() => stderr.includes('Capturing on'), 60_000, 'tshark to capture');

    const start = (d: (typeof DIRECTORS)[number]) => {
      const instances = INSTANCES.map((i) => ({ ...i, priority: d.priority }));
      const agent = startAgent(lab, d.name, desiredDocument(d.name, d.ipv4, instances));
      agents.push(agent);
      return agent;
    };
    // d1 first, so that d2 starts as a backup of a running master: each takes over just once.
    const d1 = start(DIRECTORS[0]);
    for (const i of INSTANCES) await d1.waitForState(i.name, 'master', START_MS + 5000);
    const d2 = start(DIRECTORS[1]);
    for (const i of INSTANCES) await d2.waitForState(i.name, 'backup', START_MS);
    await delay(1100); // at least one more VRRPv2 advert from d1 (1 s interval)
    const states = (agent: LabAgent) => INSTANCES.map((i) => agent.state(i.name));
    assert.deepEqual(
      [states(d1), states(d2)],
      [INSTANCES.map(() => 'master'), INSTANCES.map(() => 'backup')],
    );
    d1.process.kill('SIGTERM'); // priority-0 adverts
    await once(d1.process, 'exit');
    for (const i of INSTANCES) {
      const takeover = await d2.waitForState(i.name, 'master', 60_000); // Skew_Time + load margin
      assert.equal(takeover.reason, 'priority-zero', `${i.name}: ${d2.tail()}`);
    }
    await delay(1100); // d2 sends a few adverts as master
    tshark.kill('SIGINT');
    await once(tshark, 'exit');

    // Adverts: VRID 13 is decoded with the message-only checksum preference, the rest without.
    const adverts = [
      ...decode(file, 'vrrp && vrrp.virt_rtr_id != 13', VRRP_FIELDS),
      ...decode(file, 'vrrp && vrrp.virt_rtr_id == 13', VRRP_FIELDS, [
        ...['-o', 'vrrp.v3_checksum_as_in_v2:TRUE'],
      ]),
    ];
    const seen = new Set<string>();
    for (const a of adverts) {
      const what = JSON.stringify(a);
      const instance = INSTANCES.find((i) => String(i.vrid) === a['vrrp.virt_rtr_id']);
      assert.ok(instance, `unexpected VRID: ${what}`);
      const director = DIRECTORS.find((d) => macs.get(d.name) === a['eth.src']);
      assert.ok(director, `unexpected sender: ${what}`);
      assert.equal(a['vrrp.checksum.status'], '1', `checksum not Good: ${what}`);
      const severities = a['_ws.expert.severity']!.split(',').filter((s) => s !== '');
      assert.ok(
        severities.every((s) => Number(s) < EXPERT_WARN),
        `expert error: ${what}`,
      );
      assert.equal(a['vrrp.version'], String(instance.version), what);
      assert.equal(a['vrrp.type'], '1', what);
      // d1 resigns (priority 0) during the capture; d2 is stopped after it.
      const priorities = [String(director.priority), ...(director.name === 'd1' ? ['0'] : [])];
      assert.ok(priorities.includes(a['vrrp.prio']!), `priority: ${what}`);
      const vips = instance.vips.map((v) => v.address);
      assert.equal(a['vrrp.addr_count'], String(vips.length), what);
      if (instance.vrid === 14) {
        assert.equal(a['ipv6.hlim'], '255', what);
        assert.match(a['ipv6.src']!, /^fe80:/, `IPv6 adverts leave from the link-local: ${what}`);
        assert.equal(a['vrrp.ipv6_addr'], vips.join(','), what);
      } else {
        assert.equal(a['ip.ttl'], '255', what);
        assert.equal(a['ip.src'], director.ipv4, what);
        assert.equal(a['vrrp.ip_addr'], vips.join(','), what);
      }
      if (instance.version === 2) {
        assert.equal(a['vrrp.adver_int'], '1', what);
        assert.equal(a['vrrp.auth_type'], '1', what);
        assert.equal(a['vrrp.auth_string'], instance.authPassword, what);
      } else {
        assert.equal(a['vrrp.short_adver_int'], String(instance.advertIntervalCs), what);
      }
      seen.add(`${instance.name} ${director.name} ${a['vrrp.prio'] === '0' ? 0 : 'active'}`);
    }
    for (const i of INSTANCES) {
      for (const kind of ['d1 active', 'd1 0', 'd2 active']) {
        assert.ok(seen.has(`${i.name} ${kind}`), `no ${kind} advert for ${i.name}`);
      }
    }

    // Each new master's announcements, and how long after its transition the first one left.
    const arps = decode(file, 'arp', ARP_FIELDS);
    const nas = decode(file, 'icmpv6.type == 136', NA_FIELDS);
    const masters = [['d1', d1] as const, ['d2', d2] as const];
    for (const [director, agent] of masters) {
      for (const i of INSTANCES) {
        const transition = agent.transitions(i.name).find((t) => t.to === 'master')!;
        for (const { address } of i.vips) {
          const ours = (f: Frame) => f['eth.src'] === macs.get(director);
          const first =
            i.vrid === 14
              ? nas.find((f) => ours(f) && f['icmpv6.nd.na.target_address'] === address)
              : arps.find((f) => ours(f) && f['arp.src.proto_ipv4'] === address);
          const what = `${director} ${i.name} ${address}: ${JSON.stringify(first)}`;
          assert.ok(first, what);
          if (i.vrid === 14) {
            assert.equal(first['icmpv6.nd.na.flag.o'], '1', `override flag: ${what}`);
            assert.equal(first['icmpv6.checksum.status'], '1', what);
            assert.equal(first['ipv6.hlim'], '255', what);
          } else {
            assert.equal(first['arp.dst.proto_ipv4'], address, `gratuitous: ${what}`);
          }
          const ms = (f: Frame) =>
            (Number(f['frame.time_epoch']) * 1000 - transition.wallMs!).toFixed(2);
          const advert = adverts.find(
            (a) =>
              ours(a) &&
              a['vrrp.virt_rtr_id'] === String(i.vrid) &&
              a['vrrp.prio'] !== '0' &&
              Number(a['frame.time_epoch']) * 1000 > transition.wallMs! - 50,
          );
          console.log(
            `${director} ${i.name} ${address} (${transition.reason}): first GARP/NA ${ms(first)} ms, first advert ${advert ? ms(advert) : '-'} ms after the transition's wallMs`,
          );
        }
      }
    }
  });
});
