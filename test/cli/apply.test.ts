/** `fleetlb apply` and `delete`: create, no-op, diff on change, --dry-run, optimistic concurrency, deletion. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executeChange, planChanges } from '../../control-plane/cli/apply-plan.js';
import { EXIT } from '../../control-plane/cli/exit-codes.js';
import { ApiClient } from '../../control-plane/cli/http-client.js';
import { parseManifests } from '../../control-plane/cli/manifest.js';
import { seedSite } from '../support/fleet.js';
import { startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
let file: string;
before(async () => {
  lab = await startCliLab();
  file = join(lab.dir, 'fra1.yaml');
});
after(async () => {
  await lab.close();
});

const manifests = (weight: number) => `apiVersion: fleetlb/v1
kind: Site
metadata: {name: fra1, labels: {region: eu}}
---
kind: Director
metadata: {name: lb1, site: fra1}
spec: {address: 203.0.113.1}
---
kind: VrrpInstance
metadata: {name: api, site: fra1}
spec:
  vrid: 7
  interface: eth0
  vips: [{address: 203.0.113.50, prefixLength: 24}]
  members: [{director: lb1, priority: 150}]
---
kind: VirtualServer
metadata: {name: api-https, site: fra1}
spec: {vrrpInstance: api, address: 203.0.113.50, port: 443, protocol: tcp}
---
kind: RealServer
metadata: {name: api1, site: fra1, virtualServer: api-https, labels: {app: api}}
spec: {address: 198.51.100.31, port: 443, weight: ${weight}}
`;

test('--dry-run on new objects shows them as additions and changes nothing', async () => {
  await writeFile(file, manifests(10));
  const dry = await lab.run(['apply', '-f', file, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /--- Site fra1 \(absent\)\n\+\+\+ Site fra1 \(desired\)\n@@ -0,0 \+1,\d+ @@\n/,
  );
  assert.match(dry.stdout, /RealServer fra1\/api-https\/api1 would be created\n/);
  assert.match(
    dry.stdout,
    /dry run: 5 to create, 0 to update, 0 unchanged; nothing was changed\n$/,
  );
  assert.equal((await lab.served.cp.request('GET', '/v1/sites/fra1')).status, 404);
});

test('apply creates, applying again changes nothing, a change shows a diff and is applied', async () => {
  const created = await lab.run(['apply', '-f', file]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /5 created, 0 updated, 0 unchanged \(fra1 revision \d+\)\n$/);
  const rs = await lab.served.cp.request(
    'GET',
    '/v1/sites/fra1/virtual-servers/api-https/real-servers/api1',
  );
  assert.equal(rs.body.weight, 10);
  assert.deepEqual(rs.body.labels, { app: 'api' });

  const again = await lab.run(['apply', '-f', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /^[-+]/m, 'no diff lines');
  assert.match(again.stdout, /0 created, 0 updated, 5 unchanged\n$/);

  await writeFile(file, manifests(25));
  const dry = await lab.run(['apply', '-f', file, '--dry-run']);
  assert.match(dry.stdout, /--- RealServer fra1\/api-https\/api1 \(current\)\n/);
  assert.match(dry.stdout, /\n-weight: 10\n\+weight: 25\n/);
  assert.match(
    dry.stdout,
    /dry run: 0 to create, 1 to update, 4 unchanged \(would make fra1 revision \d+\); nothing was changed\n$/,
  );
  assert.equal(
    (await lab.served.cp.request('GET', rsPath)).body.weight,
    10,
    'the dry run changed nothing',
  );

  const changed = await lab.run(['apply', '-f', '-'], { stdin: manifests(25) });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /\n-weight: 10\n\+weight: 25\n/);
  assert.match(changed.stdout, /RealServer fra1\/api-https\/api1 updated\n/);
  assert.equal((await lab.served.cp.request('GET', rsPath)).body.weight, 25);
});

const rsPath = '/v1/sites/fra1/virtual-servers/api-https/real-servers/api1';

test('JSON manifests (a list) work too; -o json reports each object', async () => {
  const list = [
    { kind: 'Director', metadata: { name: 'lb2', site: 'fra1' }, spec: { address: '203.0.113.2' } },
  ];
  const result = await lab.run(['apply', '-f', '-', '-o', 'json'], { stdin: JSON.stringify(list) });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(
    report.changes.map((c: { kind: string; name: string; action: string }) => [
      c.kind,
      c.name,
      c.action,
    ]),
    [['Director', 'lb2', 'created']],
  );
});

test('an invalid manifest exits 1 naming the document and field; the API refusing one too', async () => {
  const bad = await lab.run(['apply', '-f', '-'], {
    stdin:
      'kind: RealServer\nmetadata: {name: x, site: fra1, virtualServer: api-https}\nspec: {address: nope, port: 80}\n',
  });
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /\(stdin\)#1 \(RealServer x\): invalid manifest\n {2}spec\.address: must be an IPv4 or IPv6 address/,
  );
  const refused = await lab.run(['apply', '-f', '-'], {
    stdin:
      'kind: VrrpInstance\nmetadata: {name: clash, site: fra1}\nspec: {vrid: 7, interface: eth0, vips: [{address: 203.0.113.60}], members: [{director: lb1, priority: 100}]}\n',
  });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /422/);
  const redacted = await lab.run(['apply', '-f', '-'], {
    stdin:
      'kind: VrrpInstance\nmetadata: {name: v2, site: fra1}\nspec: {vrid: 8, version: 2, authPassword: "********", interface: eth0, vips: [{address: 203.0.113.61}], members: [{director: lb1, priority: 100}]}\n',
  });
  assert.equal(redacted.code, 1);
  assert.match(redacted.stderr, /authPassword is the API's redaction mark/);
});

test("a typo'd manifest fails naming the file, the document, the field and what was meant", async () => {
  const typo = join(lab.dir, 'typo.yaml');
  await writeFile(
    typo,
    `kind: Site
metadata: {name: typo1}
---
kind: RealServer
metadata: {name: web9, site: typo1, virtualServer: web, lables: {app: web}}
spec: {address: 198.51.100.9, port: 80}
---
kind: RealServer
metadata: {name: web9, site: typo1, virtualServer: web}
spec:
  address: 198.51.100.9
  port: 80
  wieght: 10
  checks: [{type: tcp, intervallMs: 1000}]
`,
  );
  const bad = await lab.run(['apply', '-f', typo]);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /typo\.yaml#2: invalid manifest\n {2}metadata\.lables: unknown field "lables" \(did you mean "labels"\?\)/,
  );
  const kind = await lab.run(['apply', '-f', '-'], {
    stdin: 'kind: RealSrever\nmetadata: {name: x, site: typo1}\n',
  });
  assert.equal(kind.code, 1);
  assert.match(
    kind.stderr,
    /\(stdin\)#1: invalid manifest\n {2}kind: unknown kind "RealSrever" \(did you mean RealServer\?\)/,
  );
  await writeFile(typo, (await readFile(typo, 'utf8')).replace('lables', 'labels'));
  const second = await lab.run(['apply', '-f', typo]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /typo\.yaml#3 \(RealServer web9\): invalid manifest\n/);
  assert.match(
    second.stderr,
    /\n {2}spec\.wieght: unknown field "wieght" \(did you mean "weight"\?\)/,
  );
  assert.match(
    second.stderr,
    /\n {2}spec\.checks\[0\]\.intervallMs: unknown field "intervallMs" \(did you mean "intervalMs"\?\)/,
  );
  assert.equal(
    (await lab.served.cp.request('GET', '/v1/sites/typo1')).status,
    404,
    'nothing applied',
  );
});

test('delete refuses what others depend on, naming them (exit 4), unless --cascade', async () => {
  await seedSite(lab.served.cp, 'cas1');
  const refused = await lab.run(['delete', 'vs', 'web-http', '--site', 'cas1']);
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(
    refused.stderr,
    /cas1\/virtual-servers\/web-http\/real-servers\/web1: would be deleted/,
  );
  assert.match(
    refused.stderr,
    /cas1\/virtual-servers\/web-http\/real-servers\/web2: would be deleted/,
  );
  assert.match(refused.stderr, /--cascade|cascade=true/);
  const rs = await lab.served.cp.request(
    'GET',
    '/v1/sites/cas1/virtual-servers/web-http/real-servers',
  );
  assert.equal(rs.body.items.length, 2, 'nothing deleted');
  const cascade = await lab.run(['delete', 'vs', 'web-http', '--site', 'cas1', '--cascade']);
  assert.equal(cascade.code, 0, cascade.stderr);
  assert.equal(
    (await lab.served.cp.request('GET', '/v1/sites/cas1/virtual-servers/web-http')).status,
    404,
  );
});

test('a write based on a stale version fails with exit code 4 (If-Match)', async () => {
  const client = new ApiClient(lab.served.url, lab.served.cp.adminToken);
  const [change] = await planChanges(
    client,
    parseManifests(manifests(40), 'm.yaml').filter((o) => o.ref.kind === 'RealServer'),
  );
  assert.equal(change?.action, 'update');
  // Someone else changes it between our read and our write.
  const patched = await lab.served.cp.request('PATCH', rsPath, { body: { weight: 30 } });
  assert.equal(patched.status, 200);
  await assert.rejects(
    executeChange(client, change!),
    (err: { exitCode: number; message: string }) => {
      assert.equal(err.exitCode, EXIT.conflict);
      assert.match(err.message, /412/);
      return true;
    },
  );
  assert.equal(
    (await lab.served.cp.request('GET', rsPath)).body.weight,
    30,
    'the other change stands',
  );
});

test('delete KIND NAME, delete -f (children first, absent ones skipped), and exit 3 / 4', async () => {
  const missing = await lab.run(['delete', 'director', 'lb9', '--site', 'fra1']);
  assert.equal(missing.code, 3);
  const busy = await lab.run(['delete', 'site', 'fra1']);
  assert.equal(busy.code, 4, busy.stderr);
  const one = await lab.run([
    'delete',
    'rs',
    'api1',
    '--site',
    'fra1',
    '--virtual-server',
    'api-https',
  ]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal((await lab.served.cp.request('GET', rsPath)).status, 404);
  // lb2 (applied separately) is not in the file: the site is not empty at the end, a conflict.
  const all = await lab.run(['delete', '-f', file]);
  assert.equal(all.code, 4, all.stderr);
  assert.match(
    all.stdout,
    /^RealServer fra1\/api-https\/api1 not found \(skipped\)\nVirtualServer fra1\/api-https deleted\n/,
  );
  assert.match(all.stdout, /Director fra1\/lb1 deleted\n$/);
  assert.match(all.stderr, /site fra1 still has 1 directors/);
  const cascade = await lab.run(['delete', 'site', 'fra1', '--cascade']);
  assert.equal(cascade.code, 0, cascade.stderr);
  assert.equal((await lab.served.cp.request('GET', '/v1/sites/fra1')).status, 404);
});
