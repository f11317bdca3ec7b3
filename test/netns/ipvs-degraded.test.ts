/**
 * A missing capability degrades, it does not stop the director: on this kernel (no IPVS) two
 * agents under a control plane get a document with a virtual server. They apply it (not BEHIND),
 * run VRRP (one master holds the VIP) and health checks, and report the virtual server as
 * `ipvs-unavailable` in their status (`fleetlb status`, `describe director`) and metrics; a later
 * change (a second virtual server) is applied too, without a VRRP transition. Skipped where the
 * kernel has IPVS (test/vm covers that side).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  FleetLab,
  labSiteManifest,
  type DirectorRow,
  type SiteStatus,
} from '../support/fleet-lab.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import type { LabAgent } from '../support/vrrp-lab.js';

const skip =
  labPrerequisite() || (existsSync('/proc/net/ip_vs') ? 'this kernel has IPVS loaded' : false);
const SITE = 'lab';
const VIP = '192.0.2.100';
const START_MS = 120_000;
const CHANGE_MS = 60_000;
const ADDRESSES: Record<string, string> = { d1: '192.0.2.11', d2: '192.0.2.12' };

const virtualServer = (name: string, port: number) => `
---
apiVersion: fleetlb/v1
kind: VirtualServer
metadata: { name: ${name}, site: ${SITE} }
spec: { vrrpInstance: web, address: ${VIP}, port: ${port}, protocol: tcp, scheduler: wrr }
---
apiVersion: fleetlb/v1
kind: RealServer
metadata: { name: web1, site: ${SITE}, virtualServer: ${name} }
spec: { address: 198.51.100.11, port: ${port}, weight: 10, checks: [{ type: tcp }] }
`;

const MANIFEST = labSiteManifest(SITE, VIP, virtualServer('web-http', 80));

describe(
  'no IPVS: the document applies, VRRP runs, virtual servers are ipvs-unavailable (netns)',
  { skip },
  () => {
    let lab: NetnsLab;
    let fleet: FleetLab;
    const agents = new Map<string, LabAgent>();

    const statusUntil = (check: (s: SiteStatus) => boolean, what: string, timeoutMs = CHANGE_MS) =>
      fleet.statusUntil(SITE, check, what, timeoutMs);

    const conditionsOf = (view: { directors: DirectorRow[] }) =>
      view.directors.map(
        (d) => `${d.name}:${d.conditions.map((c) => `${c.type}/${c.object.name}`).join('+')}`,
      );

    const metricsOf = (director: string) =>
      lab.run(
        [
          process.execPath,
          '-e',
          `fetch('http://${ADDRESSES[director]}:9500/metrics').then(async (r) => console.log(await r.text()))`,
        ],
        director,
      );

    before(async () => {
      lab = await NetnsLab.start();
      lab.addHost('cp', { addresses: ['192.0.2.5/24'] });
      for (const [name, address] of Object.entries(ADDRESSES))
        lab.addHost(name, { addresses: [`${address}/24`] });
      fleet = await FleetLab.start(lab, 'cp', '192.0.2.5');
      await fleet.cliOk(['apply', '-f', '-'], MANIFEST);
      for (const name of Object.keys(ADDRESSES)) {
        const metrics = ['--metrics-listen', `${ADDRESSES[name]}:9500`];
        agents.set(name, await fleet.startAgent(SITE, name, metrics));
      }
    });
    after(async () => {
      await lab?.stop();
    });

    test('applied, elected, and each virtual server reported ipvs-unavailable', async () => {
      const status = await statusUntil(
        (s) =>
          s.code === 0 && s.view.directors.every((d) => !d.behind && d.conditions.length === 1),
        'both directors applied the document, one master, conditions reported',
        START_MS,
      );
      assert.deepEqual(status.view.instances[0]!.masters, ['d1']);
      assert.deepEqual(conditionsOf(status.view), [
        'd1:ipvs-unavailable/web-http',
        'd2:ipvs-unavailable/web-http',
      ]);
      assert.deepEqual(
        ['d1', 'd2'].filter((h) => lab.addresses(h).includes(VIP)),
        ['d1'],
        'VRRP runs: the master holds the VIP',
      );
      const table = await fleet.cliOk(['status', '--site', SITE]);
      assert.match(table, /\nd1 +ipvs-unavailable +VirtualServer\/web-http\n/);
      const described = JSON.parse(
        await fleet.cliOk(['describe', 'director', 'd1', '--site', SITE, '-o', 'json']),
      ) as { status: DirectorRow };
      assert.deepEqual(
        described.status.conditions.map((c) => [c.type, c.object.kind, c.object.name]),
        [['ipvs-unavailable', 'VirtualServer', 'web-http']],
      );
      const metrics = metricsOf('d1');
      assert.match(
        metrics,
        /^fleetlb_virtual_server_condition\{virtual_server="web-http",condition="ipvs-unavailable"\} 1$/m,
      );
      assert.match(metrics, /^fleetlb_agent_ipvs_available 0$/m);
      for (const agent of agents.values()) {
        assert.ok(
          agent.lines.some((l) => /^IPVS unavailable/.test(l.msg)),
          agent.tail(),
        );
        assert.ok(!agent.lines.some((l) => l.msg.startsWith('document refused')), agent.tail());
      }
    });

    test('a later change is applied too, without a VRRP transition', async () => {
      const transitions = [...agents.values()].map((a) => a.transitions().length);
      await fleet.cliOk(['apply', '-f', '-'], `${MANIFEST}${virtualServer('web-alt', 8080)}`);
      const status = await statusUntil(
        (s) => s.view.directors.every((d) => !d.behind && d.conditions.length === 2),
        'both directors applied the change',
      );
      assert.deepEqual(conditionsOf(status.view), [
        'd1:ipvs-unavailable/web-alt+ipvs-unavailable/web-http',
        'd2:ipvs-unavailable/web-alt+ipvs-unavailable/web-http',
      ]);
      assert.equal(status.code, 0);
      assert.deepEqual(
        [...agents.values()].map((a) => a.transitions().length),
        transitions,
        'no VRRP transition',
      );
      assert.match(
        metricsOf('d2'),
        /^fleetlb_virtual_server_condition\{virtual_server="web-alt",condition="ipvs-unavailable"\} 1$/m,
      );
    });
  },
);
