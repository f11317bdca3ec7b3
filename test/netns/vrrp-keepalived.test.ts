/**
 * fleetlb ↔ keepalived VRRP interop in a private network lab: fleetlb (host d1) and keepalived
 * 2.x (host d2) run the same virtual router, for VRRPv2 with PASS auth over IPv4 multicast (1 s),
 * VRRPv3 over IPv4 unicast (0.1 s) and VRRPv3 over IPv6 multicast (0.1 s). In both roles:
 * - fleetlb MASTER, keepalived BACKUP: they settle and stay (keepalived accepts our adverts);
 *   SIGTERM fleetlb → keepalived takes over on the priority-0 advert; restart fleetlb → it
 *   preempts back (keepalived's lower-priority adverts are discarded) and keepalived backs off;
 * - keepalived MASTER, fleetlb BACKUP: they settle and stay (fleetlb accepts keepalived's
 *   adverts); SIGKILL keepalived → fleetlb takes over on its Master_Down_Timer; restart
 *   keepalived → fleetlb backs off on the higher-priority advert.
 * VIP ownership is read from the kernel at each step. Timeouts are protocol bounds plus margin.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { masterDownIntervalMs, skewTimeMs } from '../../agent/core/vrrp/timing.js';
import { startKeepalived, type LabKeepalived } from '../support/keepalived-lab.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { desiredDocument, eventually, startAgent, type LabAgent } from '../support/vrrp-lab.js';

const skip = labPrerequisite(['keepalived', 'tshark']);
const D1 = { name: 'd1', ipv4: '192.0.2.11' }; // fleetlb
const D2 = { name: 'd2', ipv4: '192.0.2.12' }; // keepalived
/** Process start-up (node + tsx, keepalived) on a busy 2-CPU machine, plus scheduling slack. */
const START_MS = 60_000; // a bound for agent start-up under load, not a measurement
/** What a loaded machine may add to a protocol timer before a takeover or a VIP shows: a bound. */
const LOAD_MS = 30_000;
const HIGH = 150;
const LOW = 100;

interface Case {
  title: string;
  name: string;
  vrid: number;
  version: 2 | 3;
  advertIntervalCs: number;
  vip: { address: string; prefixLength: number };
  authPassword?: string;
  unicast?: boolean;
}

const CASES: Case[] = [
  {
    title: 'VRRPv2, PASS auth, IPv4 multicast, advert 1 s',
    ...{ name: 'v2-pass', vrid: 51, version: 2, advertIntervalCs: 100, authPassword: 'fleet-lb' },
    vip: { address: '192.0.2.100', prefixLength: 24 },
  },
  {
    title: 'VRRPv3, IPv4 unicast, advert 0.1 s',
    ...{ name: 'v3-ipv4', vrid: 52, version: 3, advertIntervalCs: 10, unicast: true },
    vip: { address: '192.0.2.101', prefixLength: 24 },
  },
  {
    title: 'VRRPv3, IPv6 multicast, advert 0.1 s',
    ...{ name: 'v3-ipv6', vrid: 53, version: 3, advertIntervalCs: 10 },
    vip: { address: '2001:db8::100', prefixLength: 64 },
  },
];

/** keepalived logs these when it drops or rejects an advert (vrrp.c, --log-detail). */
const KEEPALIVED_COMPLAINTS =
  /checksum|invalid|mismatch|ttl|associated with|auth|discard|error|wrong|bogus|dropp/i;
/** Normal protocol behaviour: a preempting backup ignores a lower-priority master. */
const KEEPALIVED_NORMAL = /received lower priority \(\d+\) advert from \S+ - discarding/;

describe('VRRP interop with keepalived', { skip }, () => {
  let lab: NetnsLab;
  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost(D1.name, { addresses: [`${D1.ipv4}/24`, '2001:db8::11/64'] });
    lab.addHost(D2.name, { addresses: [`${D2.ipv4}/24`, '2001:db8::12/64'] });
    // IPv6 adverts leave from the link-local address, unusable until its DAD completes.
    const linkLocalReady = (host: string) =>
      lab.run(
        ['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link', '-tentative'],
        host,
      ) !== '';
    await eventually(() => linkLocalReady(D1.name) && linkLocalReady(D2.name), 10_000, 'IPv6 DAD');
  });
  after(() => lab?.stop());

  for (const c of CASES) {
    const interval = c.advertIntervalCs * 10;
    const down = (priority: number) =>
      masterDownIntervalMs(c.version, priority, c.advertIntervalCs);
    /** Bound for a takeover on the protocol timer, with margin for a loaded machine. */
    const bound = (priority: number) => down(priority) + 2 * interval + LOAD_MS;
    const owners = () => [D1.name, D2.name].filter((h) => lab.addresses(h).includes(c.vip.address));
    const expectOwners = (hosts: string[], what: string) =>
      eventually(
        () => owners().join() === hosts.join(),
        LOAD_MS,
        `${what}: VIP on ${hosts.join()}`,
      ).catch(() => assert.deepEqual(owners(), hosts, what));

    const agentIn = (priority: number) => {
      const peers = c.unicast ? { unicastSource: D1.ipv4, unicastPeers: [D2.ipv4] } : {};
      const { title: _, vip, ...spec } = c;
      const instance = { ...spec, interface: 'eth0', priority, vips: [vip], ...peers };
      return startAgent(lab, D1.name, desiredDocument(D1.name, D1.ipv4, [instance]));
    };
    const keepalivedIn = (priority: number, state: 'MASTER' | 'BACKUP') => {
      const peers = c.unicast ? { unicastSource: D2.ipv4, unicastPeers: [D1.ipv4] } : {};
      const { title: _, vip, unicast: __, ...spec } = c;
      const vips = [`${vip.address}/${vip.prefixLength}`];
      return startKeepalived(lab, D2.name, [
        { ...spec, interface: 'eth0', priority, state, vips, ...peers },
      ]);
    };

    /** Neither side changes state for `windowMs` (a drop would show as a takeover). */
    async function assertStable(agent: LabAgent, ka: LabKeepalived, windowMs: number) {
      const before = [agent.transitions(c.name).length, ka.events.length];
      await delay(windowMs);
      assert.deepEqual(
        [agent.transitions(c.name).length, ka.events.length],
        before,
        `state changed while settled\nfleetlb:\n${agent.tail()}\nkeepalived:\n${ka.tail()}`,
      );
    }
    const stopAgent = async (agent: LabAgent) => {
      if (agent.process.exitCode !== null || agent.process.signalCode !== null) return;
      agent.process.kill('SIGTERM');
      await once(agent.process, 'exit');
    };
    const assertQuietKeepalived = (ka: LabKeepalived) => {
      const lines = ka.tail(Infinity).split('\n');
      const complaints = lines.filter(
        (l) => KEEPALIVED_COMPLAINTS.test(l) && !KEEPALIVED_NORMAL.test(l),
      );
      assert.deepEqual(complaints, [], 'keepalived complained about our adverts');
    };

    describe(c.title, () => {
      test('fleetlb MASTER, keepalived BACKUP; fleetlb stops and comes back', async (t) => {
        let agent = agentIn(HIGH);
        t.after(() => stopAgent(agent));
        await agent.waitForState(c.name, 'master', START_MS + bound(HIGH));
        const ka = keepalivedIn(LOW, 'BACKUP');
        t.after(() => ka.stop());
        await ka.waitForState(c.name, 'BACKUP', START_MS);
        // Longer than keepalived's Master_Down_Interval: it would have taken over by now had it
        // dropped our adverts.
        await assertStable(agent, ka, down(LOW) + 2 * interval);
        assert.equal(agent.state(c.name), 'master');
        await expectOwners([D1.name], 'settled, fleetlb master');

        const stoppedAt = performance.timeOrigin + performance.now();
        await stopAgent(agent);
        await ka.waitForState(
          c.name,
          'MASTER',
          skewTimeMs(c.version, LOW, c.advertIntervalCs) + LOAD_MS,
          stoppedAt,
        );
        await expectOwners([D2.name], 'fleetlb stopped');

        const restartedAt = performance.timeOrigin + performance.now();
        agent = agentIn(HIGH);
        await agent.waitForState(c.name, 'master', START_MS + bound(HIGH));
        await ka.waitForState(c.name, 'BACKUP', LOAD_MS + 2 * interval, restartedAt);
        await expectOwners([D1.name], 'fleetlb preempted back');
        await assertStable(agent, ka, 3 * interval);
        assertQuietKeepalived(ka);
      });

      test('keepalived MASTER, fleetlb BACKUP; keepalived is killed and comes back', async (t) => {
        let ka = keepalivedIn(HIGH, 'MASTER');
        t.after(() => ka.stop());
        await ka.waitForState(c.name, 'MASTER', START_MS);
        const agent = agentIn(LOW);
        t.after(() => stopAgent(agent));
        await agent.waitForState(c.name, 'backup', START_MS);
        // Longer than fleetlb's Master_Down_Interval: it accepts keepalived's adverts.
        await assertStable(agent, ka, down(LOW) + 2 * interval);
        assert.equal(ka.state(c.name), 'MASTER');
        await expectOwners([D2.name], 'settled, keepalived master');
        assertQuietKeepalived(ka);

        // SIGKILL of both processes: no priority-0 advert, and keepalived's VIP stays behind on
        // d2 until it restarts (keepalived removes VIPs only when it leaves MASTER or shuts down,
        // vrrp.c vrrp_restore_interface(), and SIGKILL runs neither), so only d1 is checked.
        const seen = agent.transitions(c.name).length;
        await ka.stop('SIGKILL');
        await agent.waitForState(c.name, 'master', bound(LOW));
        assert.equal(agent.transitions(c.name).length, seen + 1, agent.tail());
        assert.ok(lab.addresses(D1.name).includes(c.vip.address), 'fleetlb took the VIP');

        ka = keepalivedIn(HIGH, 'MASTER');
        await ka.waitForState(c.name, 'MASTER', START_MS);
        await agent.waitFor(
          (l) =>
            l.event === 'transition' &&
            l.to === 'backup' &&
            agent.transitions(c.name).indexOf(l) > seen,
          LOAD_MS + 2 * interval,
          'fleetlb backs off',
        );
        await expectOwners([D2.name], 'keepalived preempted back');
        await assertStable(agent, ka, 3 * interval);
        assertQuietKeepalived(ka);
      });
    });
  }
});
