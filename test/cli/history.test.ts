/** `fleetlb history`, `diff` and `rollback` (--dry-run, --wait) against an in-process control plane. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AgentStatusInput } from '../../contract/index.js';
import { json, startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
let start = 0;
before(async () => {
  lab = await startCliLab();
  const { cp } = lab.served;
  start = (await cp.request('GET', '/v1/sites/ams1')).body.revision;
  const put = await cp.request('PUT', '/v1/sites/ams1/directors/lb3', {
    body: { address: '192.0.2.3' },
  });
  assert.equal(put.status, 201, put.text);
  const patch = await cp.request('PATCH', '/v1/sites/ams1/vrrp-instances/web', {
    body: { vrid: 52 },
  });
  assert.equal(patch.status, 200, patch.text);
});
after(async () => {
  await lab.close();
});

const revisionNow = async () =>
  (await lab.served.cp.request('GET', '/v1/sites/ams1')).body.revision as number;

test('history lists the revisions newest first, as a table or JSON', async () => {
  const table = await lab.run(['history', '--site', 'ams1']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0]!, /^REVISION +AT +ACTOR +RESTORABLE +CHANGES$/);
  assert.match(lines[1]!, new RegExp(`^${start + 2} .* yes +update ams1/vrrp-instances/web$`));
  assert.match(lines[2]!, new RegExp(`^${start + 1} .* yes +create ams1/directors/lb3$`));
  const asJson = json(await lab.run(['history', '--site', 'ams1', '-o', 'json']));
  assert.equal(asJson.revision, start + 2);
  assert.equal(asJson.historyStart, 1);
});

test('diff shows each object that changed between two revisions', async () => {
  const result = await lab.run(['diff', '--site', 'ams1', '--from', String(start)]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `ams1: revision ${start} → ${start + 2}\n+ director ams1/directors/lb3\n~ vrrp-instance ams1/vrrp-instances/web: vrid\n`,
  );
  const same = await lab.run(['diff', '--site', 'ams1', '--from', '1', '--to', '1']);
  assert.match(same.stdout, /revisions 1 and 1 are the same/);
  assert.equal((await lab.run(['diff', '--site', 'ams1'])).code, 2, 'needs --from');
});

test('rollback --dry-run says what would change on each director, and changes nothing', async () => {
  const before = await revisionNow();
  const result = await lab.run(['rollback', '--site', 'ams1', '--to', String(start), '--dry-run']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^- director ams1\/directors\/lb3\n~ vrrp-instance ams1\/vrrp-instances\/web: vrid\n/,
  );
  assert.match(result.stdout, /\nlb1: document would change: VRRP web re-elects \(vrid\)\n/);
  assert.match(result.stdout, /\nlb3: director would be removed\n/);
  assert.match(
    result.stdout,
    /dry run: would make ams1 revision \d+ equal to revision \d+; nothing was changed\n$/,
  );
  assert.equal(await revisionNow(), before);
});

test('rollback refused by the server exits non-zero with the reason', async () => {
  const result = await lab.run(['rollback', '--site', 'ams1', '--to', '999']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /toRevision: site ams1 keeps revisions 1 to \d+/);
});

/** An agent's report that it applied `revision`. */
const applied = (revision: number): AgentStatusInput => ({
  appliedRevision: revision,
  agent: { version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', ipvsAvailable: true },
});

test('rollback --wait returns once every director applied the new revision', async () => {
  const { cp } = lab.served;
  const next = (await revisionNow()) + 1;
  const running = lab.run([
    'rollback',
    '--site',
    'ams1',
    '--to',
    String(start),
    '--wait',
    '--timeout',
    '60s',
  ]);
  // Once the rollback made its revision, lb1 and lb2 report it (lb3 went with the rollback).
  while ((await revisionNow()) < next) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const director of ['lb1', 'lb2'])
    await cp.postStatus(await cp.token('agent', 'ams1', director), applied(next));
  const result = await running;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`ams1 revision ${next} is revision ${start} again\\n$`));
  assert.match(result.stderr, new RegExp(`ams1/lb1: revision ${next} applied`));
  assert.match(result.stderr, new RegExp(`ams1/lb2: revision ${next} applied`));
  assert.equal((await cp.request('GET', '/v1/sites/ams1/vrrp-instances/web')).body.vrid, 51);
  const again = await lab.run(['rollback', '--site', 'ams1', '--to', String(start), '--wait']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already as at revision/);
});

test('--help of rollback explains field ownership and refusals', async () => {
  const result = await lab.run(['rollback', '--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /kubectl rollout undo/);
  assert.match(result.stdout, /--restore-operational/);
});
