/**
 * `fleetlb apply --wait` against a control plane whose directors' agents are stand-ins posting
 * status reports: it returns when every director applied the new revision, exits 11 naming a
 * director that refused it (with its reasons), and exits 5 naming one that stayed silent.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EXIT } from '../../control-plane/cli/exit-codes.js';
import { startCliLab, type CliLab } from './cli-lab.js';

const SITE = 'waitsite';
const agentInfo = { version: '0.1.0', startedAt: '2026-12-01T08:00:00.000Z', ipvsAvailable: true };

const manifest = (priority: number) => `apiVersion: fleetlb/v1
kind: Site
metadata: {name: ${SITE}}
---
kind: Director
metadata: {name: lb1, site: ${SITE}}
spec: {address: 203.0.113.1}
---
kind: Director
metadata: {name: lb2, site: ${SITE}}
spec: {address: 203.0.113.2}
---
kind: VrrpInstance
metadata: {name: api, site: ${SITE}}
spec:
  vrid: 9
  interface: eth0
  vips: [{address: 203.0.113.50, prefixLength: 24}]
  members: [{director: lb1, priority: ${priority}}, {director: lb2, priority: 100}]
`;

let lab: CliLab;
const tokens = new Map<string, string>();
before(async () => {
  lab = await startCliLab();
  const created = await lab.run(['apply', '-f', '-'], { stdin: manifest(150) });
  assert.equal(created.code, 0, created.stderr);
  for (const director of ['lb1', 'lb2'])
    tokens.set(director, await lab.served.cp.token('agent', SITE, director));
});
after(async () => {
  await lab.close();
});

const revision = async () =>
  (await lab.served.cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;

/** A stand-in agent: once the site reaches `target`, reports it applied (or refused). */
function standIn(director: string, target: () => Promise<number>, refuse = false): Promise<void> {
  return (async () => {
    for (let i = 0; i < 200; i++) {
      const current = await revision();
      if (current >= (await target())) {
        const body = refuse
          ? {
              appliedRevision: current - 1,
              agent: agentInfo,
              rejected: {
                revision: current,
                reasons: [{ path: 'vrrpInstances.0.interface', message: 'eth0 does not exist' }],
              },
            }
          : { appliedRevision: current, agent: agentInfo };
        await lab.served.cp.postStatus(tokens.get(director)!, body);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

test('returns once every director applied the new revision', async () => {
  const next = (await revision()) + 1;
  const agents = ['lb1', 'lb2'].map((d) => standIn(d, async () => next));
  const run = await lab.run(['apply', '-f', '-', '--wait', '--timeout', '30s'], {
    stdin: manifest(160),
  });
  await Promise.all(agents);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`${SITE}/lb1: revision ${next} applied`));
  assert.match(run.stderr, new RegExp(`${SITE}/lb2: revision ${next} applied`));
});

test('a director that refuses the revision: exit 11 with its reasons', async () => {
  const next = (await revision()) + 1;
  const agents = [standIn('lb1', async () => next), standIn('lb2', async () => next, true)];
  const run = await lab.run(['apply', '-f', '-', '--wait', '--timeout', '30s'], {
    stdin: manifest(170),
  });
  await Promise.all(agents);
  assert.equal(run.code, EXIT.refused, run.stderr);
  assert.match(
    run.stderr,
    /lb2: revision \d+ REFUSED\n {2}vrrpInstances\.0\.interface: eth0 does not exist/,
  );
  assert.match(run.stderr, /refused by waitsite\/lb2/);
});

test('a director that stays silent: exit 5 naming it when the timeout runs out', async () => {
  const next = (await revision()) + 1;
  const agent = standIn('lb1', async () => next);
  const run = await lab.run(['apply', '-f', '-', '--wait', '--timeout', '2s'], {
    stdin: manifest(180),
  });
  await agent;
  assert.equal(run.code, EXIT.timeout, run.stderr);
  assert.match(run.stderr, /not applied in time by waitsite\/lb2 \(revision \d+ applied/);
  assert.doesNotMatch(run.stderr, /not applied in time by [^\n]*lb1/);
});

test('--timeout without --wait is a usage error', async () => {
  const run = await lab.run(['apply', '-f', '-', '--timeout', '2s'], { stdin: manifest(180) });
  assert.equal(run.code, EXIT.usage);
});

const servers = `kind: VirtualServer
metadata: {name: api-https, site: ${SITE}}
spec: {vrrpInstance: api, address: 203.0.113.50, port: 443, protocol: tcp}
---
kind: RealServer
metadata: {name: api1, site: ${SITE}, virtualServer: api-https, labels: {app: api}}
spec: {address: 198.51.100.31, port: 443, weight: 10}
`;

test('weight set --wait and undrain --wait return once every director applied the change, or exit 5', async () => {
  const created = await lab.run(['apply', '-f', '-'], { stdin: servers });
  assert.equal(created.code, 0, created.stderr);
  let next = (await revision()) + 1;
  let agents = ['lb1', 'lb2'].map((d) => standIn(d, async () => next));
  const weighted = await lab.run([
    ...['weight', 'set', '--site', SITE, '--virtual-server', 'api-https', 'api1', '7'],
    ...['--wait', '--timeout', '30s'],
  ]);
  await Promise.all(agents);
  assert.equal(weighted.code, 0, weighted.stderr);
  assert.match(weighted.stderr, new RegExp(`${SITE}/lb2: revision ${next} applied`));

  const drained = await lab.run(['drain', '--site', SITE, '-l', 'app=api']);
  assert.equal(drained.code, 0, drained.stderr);
  next = (await revision()) + 1;
  agents = [standIn('lb1', async () => next)];
  const undrained = await lab.run([
    ...['undrain', '--site', SITE, '-l', 'app=api', '--wait', '--timeout', '2s'],
  ]);
  await Promise.all(agents);
  assert.equal(undrained.code, EXIT.timeout, undrained.stderr);
  assert.match(undrained.stderr, /not applied in time by waitsite\/lb2/);

  const usage = await lab.run(['undrain', '--site', SITE, '-l', 'app=api', '--timeout', '2s']);
  assert.equal(usage.code, EXIT.usage);
});
