/** `fleetlb get` and `describe`: aligned tables, JSON/YAML, selectors, real servers across virtual servers, not found. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { json, startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
before(async () => {
  lab = await startCliLab();
});
after(async () => {
  await lab.close();
});

/** The start column of each header word: every row's cells start there too. */
function assertAligned(table: string): void {
  const [header, ...rows] = table.trimEnd().split('\n');
  const starts = [...header!.matchAll(/\S+/g)].map((m) => m.index);
  for (const row of rows)
    for (const start of starts.slice(1))
      assert.equal(row[start! - 1], ' ', `column at ${start} in\n${table}`);
}

test('get sites / directors / vrrp-instances / virtual-servers / real-servers as tables', async () => {
  const sites = await lab.run(['get', 'sites']);
  assert.equal(sites.code, 0, sites.stderr);
  assert.match(sites.stdout, /^NAME +REVISION +LABELS\nams1 +\d+ +region=eu\n$/);
  const directors = await lab.run(['get', 'directors', '--site', 'ams1']);
  assert.match(
    directors.stdout,
    /^NAME +ADDRESS +METRICS +LABELS\nlb1 +192\.0\.2\.1 +192\.0\.2\.1:9500 +-\nlb2 /,
  );
  assertAligned(directors.stdout);
  const vrrp = await lab.run(['get', 'vrrp', '-s', 'ams1']);
  assert.match(vrrp.stdout, /\nweb +51 +eth0 +192\.0\.2\.100 +lb1:150,lb2:100\n/);
  const vs = await lab.run(['get', 'vs', '--site', 'ams1']);
  assert.match(vs.stdout, /\nweb-http +192\.0\.2\.100:80\/tcp +wrr +nat +web /);
  const rs = await lab.run(['get', 'rs', '--site', 'ams1']);
  assertAligned(rs.stdout);
  assert.match(rs.stdout, /^VIRTUAL-SERVER +NAME +ADDRESS +WEIGHT +STATE +LABELS\n/);
  assert.match(
    rs.stdout,
    /\nweb-http +web1 +198\.51\.100\.11:8080 +10 +enabled +app=web,version=v1\n/,
  );
});

test('get with -l selects by label; a named real server is found without --virtual-server', async () => {
  const selected = json(
    await lab.run(['get', 'rs', '--site', 'ams1', '-l', 'version=v2', '-o', 'json']),
  );
  assert.deepEqual(
    selected.map((r: { name: string }) => r.name),
    ['web2'],
  );
  const one = json(await lab.run(['get', 'rs', 'web1', '--site', 'ams1', '-o', 'json']));
  assert.equal(one.name, 'web1');
  assert.equal(one.virtualServer, 'web-http');
  assert.equal(one.weight, 10);
  const yaml = parse((await lab.run(['get', 'site', 'ams1', '-o', 'yaml'])).stdout);
  assert.deepEqual(yaml.labels, { region: 'eu' });
});

test('get of something absent exits 3', async () => {
  for (const args of [
    ['get', 'director', 'lb9', '--site', 'ams1'],
    ['get', 'rs', 'web9', '--site', 'ams1'],
    ['get', 'sites', 'nowhere'],
    ['describe', 'vs', 'nope', '--site', 'ams1'],
  ]) {
    const result = await lab.run(args);
    assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
  }
});

test('describe shows the object and what its directors report', async () => {
  const director = await lab.run(['describe', 'director', 'lb1', '--site', 'ams1']);
  assert.equal(director.code, 0, director.stderr);
  assert.match(director.stdout, /^Director: lb1\n/);
  assert.match(director.stdout, /address: 192\.0\.2\.1/);
  assert.match(director.stdout, /Status:\n {2}name: lb1\n/);
  assert.match(director.stdout, /behind: true/, 'no agent ever reported');
  const rs = json(
    await lab.run([
      'describe',
      'rs',
      'web1',
      '--site',
      'ams1',
      '--virtual-server',
      'web-http',
      '-o',
      'json',
    ]),
  );
  assert.equal(rs.kind, 'RealServer');
  assert.equal(rs.object.address, '198.51.100.11');
  assert.deepEqual(
    rs.status.directors.map((d: { director: string }) => d.director),
    ['lb1', 'lb2'],
  );
  const vrrp = json(await lab.run(['describe', 'vrrp', 'web', '--site', 'ams1', '-o', 'json']));
  assert.equal(vrrp.status.noMaster, true);
  const site = json(await lab.run(['describe', 'site', 'ams1', '-o', 'json']));
  assert.deepEqual(
    site.status.vrrpInstances.map((i: { name: string }) => i.name),
    ['web'],
  );
});

test('get --manifests prints what apply takes back unchanged', async () => {
  const manifests = await lab.run(['get', 'rs', '--site', 'ams1', '--manifests']);
  assert.equal(manifests.code, 0, manifests.stderr);
  assert.match(
    manifests.stdout,
    /^apiVersion: fleetlb\/v1\nkind: RealServer\nmetadata:\n {2}name: web1\n {2}site: ams1\n {2}virtualServer: web-http\n/,
  );
  const applied = await lab.run(['apply', '-f', '-'], { stdin: manifests.stdout });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /0 created, 0 updated, 2 unchanged\n$/);
});
