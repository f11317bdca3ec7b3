/**
 * agent/linux/announcer.ts on the wire: in a private network lab, host d1 announces VIPs it is
 * taking over; tshark on the bridge decodes the gratuitous ARPs and the unsolicited NA (fields,
 * flags, checksum status), and host h2's kernel accepts them (its stale neighbour entries move to
 * d1's MAC, the IPv6 one marked router). Then the adapter's edges: IFF_NOARP, a down interface,
 * an interface deleted and recreated under the same name, a missing interface.
 * Timing is printed by the fixture (`elapsedUs`) but not asserted; it belongs to benchmarks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AnnounceResult, AnnounceTarget } from '../../agent/linux/announcer.js';
import { labPrerequisite, NetnsLab, type Host } from '../support/netns-lab.js';

const skip = labPrerequisite(['tshark']);
const FIXTURE = fileURLToPath(new URL('./fixtures/announce.ts', import.meta.url));
const NODE = [process.execPath, '--import', import.meta.resolve('tsx'), FIXTURE];
const VIP4 = ['192.0.2.100', '192.0.2.101'];
const VIP6 = '2001:db8::100';
const STALE_MAC = '02:00:00:00:00:99';
// The tshark fields decoded per frame (`-T fields`).
const FIELDS = (
  'frame.len eth.dst eth.src arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac ' +
  'arp.dst.proto_ipv4 arp.isgratuitous ipv6.src ipv6.dst ipv6.hlim icmpv6.type ' +
  'icmpv6.nd.na.flag.r icmpv6.nd.na.flag.s icmpv6.nd.na.flag.o icmpv6.nd.na.target_address ' +
  'icmpv6.opt.linkaddr icmpv6.checksum.status'
).split(' ');
/** The fields tshark decoded in one frame (empty ones left out). */
type Decoded = Record<string, string>;

/** tshark ≤ 4.0 prints booleans as 1/0, later versions as True/False: use 1/0. */
const normal = (value: string) => ({ True: '1', False: '0' })[value] ?? value;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await delay(50)) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** tshark on the lab bridge, decoding ARP and ICMPv6 NAs into `FIELDS` records. */
async function capture(lab: NetnsLab): Promise<{ frames: Decoded[]; tshark: ChildProcess }> {
  const filter = 'arp or (icmp6 and ip6[40] == 136)';
  const fields = FIELDS.flatMap((f) => ['-e', f]);
  const argv = ['tshark', ...'-i br0 -l -n -a duration:600 -T fields -E separator=|'.split(' ')];
  const tshark = lab.spawn([...argv, '-f', filter, ...fields]);
  const frames: Decoded[] = [];
  let stderr = '';
  tshark.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: tshark.stdout! }).on('line', (line) => {
    const values = line.split('|');
    const pairs = FIELDS.map((f, i) => [f, normal(values[i] ?? '')]);
    frames.push(Object.fromEntries(pairs.filter(([, v]) => v !== '')) as Decoded);
  });
  await until('tshark to start capturing', () =>
    stderr.includes('Capturing on') ? true : undefined,
  );
  return { frames, tshark };
}

/** The fixture in `host`, driven one AnnounceTarget per line. */
function announcerIn(lab: NetnsLab, host: string) {
  const child = lab.spawn(NODE, host, { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async announce(target: AnnounceTarget): Promise<AnnounceResult & { elapsedUs: number }> {
      child.stdin!.write(`${JSON.stringify(target)}\n`);
      // An unref'd timer: it bounds the wait without keeping the test process alive.
      const timeout = delay(60_000, undefined, { ref: false });
      const reply = await Promise.race([replies.next(), timeout]);
      if (!reply || reply.done) throw new Error('the announce fixture did not answer');
      return JSON.parse(reply.value) as AnnounceResult & { elapsedUs: number };
    },
    end: () => child.stdin!.end(),
  };
}

describe('announcer on the wire', { skip, timeout: 900_000 }, () => {
  let lab: NetnsLab;
  let d1: Host;

  before(async () => {
    lab = await NetnsLab.start();
    d1 = lab.addHost('d1', { addresses: ['192.0.2.11/24', '2001:db8::11/64'] });
    lab.addHost('h2', { addresses: ['192.0.2.21/24', '2001:db8::21/64'] });
    // Stale entries that an accepted announcement overrides (Linux updates existing entries on a
    // gratuitous ARP, and on an NA with the Override flag).
    for (const vip of [...VIP4, VIP6]) {
      lab.run(
        ['ip', 'neigh', 'replace', vip, 'lladdr', STALE_MAC, 'dev', 'eth0', 'nud', 'stale'],
        'h2',
      );
    }
  });
  after(() => lab?.stop());

  test('GARPs and an unsolicited NA decode as announcements and update a neighbour', async () => {
    const { frames, tshark } = await capture(lab);
    const target = { interfaceName: 'eth0', ipv4: VIP4, ipv6: [VIP6], router: true };
    const result = lab.run(NODE, 'd1', `${JSON.stringify(target)}\n`);
    const { sent, errors, elapsedUs } = JSON.parse(result) as AnnounceResult & {
      elapsedUs: number;
    };
    assert.deepEqual({ sent, errors }, { sent: 3, errors: [] });
    console.log(`announce of 3 addresses (first call, opens the socket): ${elapsedUs} µs`);

    const garp = (vip: string) => frames.find((f) => f['arp.src.proto_ipv4'] === vip);
    const na = () => frames.find((f) => f['icmpv6.nd.na.target_address'] === VIP6);
    await until('the announcements on br0', () => (VIP4.every(garp) && na() ? true : undefined));
    tshark.kill('SIGTERM');

    for (const vip of VIP4) {
      console.log('GARP', garp(vip));
      assert.deepEqual(garp(vip), {
        'frame.len': '60', // padded to the Ethernet minimum
        'eth.dst': 'ff:ff:ff:ff:ff:ff',
        'eth.src': d1.mac,
        'arp.opcode': '1', // request
        'arp.src.hw_mac': d1.mac,
        'arp.src.proto_ipv4': vip,
        'arp.dst.hw_mac': 'ff:ff:ff:ff:ff:ff',
        'arp.dst.proto_ipv4': vip,
        'arp.isgratuitous': '1',
      });
    }
    console.log('NA', na());
    assert.deepEqual(na(), {
      'frame.len': '86',
      'eth.dst': '33:33:00:00:00:01',
      'eth.src': d1.mac,
      'ipv6.src': VIP6,
      'ipv6.dst': 'ff02::1',
      'ipv6.hlim': '255',
      'icmpv6.type': '136',
      'icmpv6.nd.na.flag.r': '1',
      'icmpv6.nd.na.flag.s': '0',
      'icmpv6.nd.na.flag.o': '1',
      'icmpv6.nd.na.target_address': VIP6,
      'icmpv6.opt.linkaddr': d1.mac,
      'icmpv6.checksum.status': '1', // PROTO_CHECKSUM_E_GOOD: tshark verified it
    });

    // h2's kernel validated and accepted them: its entries now point at d1, the IPv6 one a router.
    for (const vip of [...VIP4, VIP6]) {
      const entry = await until(`h2's neighbour entry for ${vip}`, () => {
        const out = lab.run(['ip', 'neigh', 'show', vip, 'dev', 'eth0'], 'h2');
        return out.includes(d1.mac) ? out : undefined;
      });
      if (vip === VIP6) assert.match(entry, /\brouter\b/);
    }
  });

  test('adapter edges: NOARP, interface down, recreated, missing', async () => {
    const ip = (command: string) => lab.run(['ip', ...command.split(' ')], 'd1');
    const createVeth = () => {
      ip('link add vx0 type veth peer name vx1');
      ip('link set vx1 up');
      ip('link set vx0 up');
    };
    createVeth();
    const announcer = announcerIn(lab, 'd1');
    try {
      const both = { interfaceName: 'vx0', ipv4: ['192.0.2.102'], ipv6: ['2001:db8::102'] };
      assert.deepEqual((await announcer.announce(both)).sent, 2);

      ip('link set vx0 arp off');
      const noArp = await announcer.announce(both);
      assert.deepEqual({ sent: noArp.sent, errors: noArp.errors }, { sent: 1, errors: [] });
      ip('link set vx0 arp on');

      ip('link set vx0 down');
      const down = await announcer.announce(both);
      assert.equal(down.sent, 0);
      assert.equal(down.errors.length, 2);
      for (const e of down.errors) assert.match(e.error, /^vx0: .*\(ENETDOWN\)/);

      // Deleted and recreated: a new ifindex; the cached socket fails with ENXIO, and the
      // announcer looks the interface up again and retries.
      ip('link del vx0');
      createVeth();
      const recreated = await announcer.announce(both);
      assert.deepEqual({ sent: recreated.sent, errors: recreated.errors }, { sent: 2, errors: [] });

      const missing = await announcer.announce({ ...both, interfaceName: 'nope0' });
      assert.equal(missing.sent, 0);
      assert.deepEqual(
        missing.errors.map((e) => e.error),
        ['nope0: no interface named nope0', 'nope0: no interface named nope0'],
      );
      const bad = await announcer.announce({ ...both, interfaceName: '../x' });
      assert.match(bad.errors[0]?.error ?? '', /not an interface name/);
    } finally {
      announcer.end();
    }
  });
});
