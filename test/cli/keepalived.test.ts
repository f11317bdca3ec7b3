/** `fleetlb import keepalived` (warnings with file:line, diffs, --dry-run, membership merge) and `export keepalived`. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseKeepalivedConf, toDesiredState, type DesiredState } from '../../contract/index.js';
import { serveFake } from '../support/control-plane-http.js';
import { json, startCliLab, type CliLab } from './cli-lab.js';

const FIXTURE = fileURLToPath(
  new URL('../contract/fixtures-keepalived/main.conf', import.meta.url),
);
const DOCUMENT_FIXTURE = fileURLToPath(
  new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url),
);

const conf = (priority: number) => `global_defs {
    router_id lb
}
vrrp_instance VI_WEB {
    interface eth0
    virtual_router_id 61
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
    smtp_alert
}
virtual_server 192.0.2.200 443 {
    delay_loop 5
    lb_algo wlc
    lb_kind DR
    protocol TCP
    real_server 198.51.100.21 443 {
        weight 5
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`;

let lab: CliLab;
let lb1Conf: string;
let lb2Conf: string;
before(async () => {
  lab = await startCliLab();
  lb1Conf = join(lab.dir, 'lb1.conf');
  lb2Conf = join(lab.dir, 'lb2.conf');
  await writeFile(lb1Conf, conf(150));
  await writeFile(lb2Conf, conf(100));
});
after(async () => {
  await lab.close();
});

const importAs = (file: string, director: string, address: string, ...more: string[]) =>
  lab.run([
    'import',
    'keepalived',
    file,
    '--site',
    'par1',
    '--director',
    director,
    '--address',
    address,
    ...more,
  ]);

test('the fixture with includes imports in a dry run: the diffs, nothing created', async () => {
  const result = await lab.run([
    'import',
    'keepalived',
    FIXTURE,
    '--site',
    'fix1',
    '--director',
    'lb1',
    '--address',
    '203.0.113.1',
    '--dry-run',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\+\+\+ VrrpInstance fix1\/vi_1 \(desired\)\n/);
  assert.match(
    result.stdout,
    /\+ {4}path: \/usr\/bin\/curl\n/,
    'the vrrp_script of the doubly included file',
  );
  assert.match(
    result.stdout,
    /dry run: 3 to create, 0 to update, 0 unchanged; nothing was changed\n$/,
  );
  assert.equal((await lab.served.cp.request('GET', '/v1/sites/fix1')).status, 404);
});

test('import creates site, director, instance, virtual and real servers, warning with file:line', async () => {
  const result = await importAs(lb1Conf, 'lb1', '192.0.2.11');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`${lb1Conf}:12:5: warning: 'smtp_alert'`));
  assert.match(result.stdout, /5 created, 0 updated, 0 unchanged \(par1 revision \d+\)\n$/);
  const vs = json(await lab.run(['get', 'vs', '192.0.2.200-443', '--site', 'par1', '-o', 'json']));
  assert.equal(
    vs.vrrpInstance,
    'vi_web',
    'the virtual server follows the instance owning its address',
  );
  assert.equal(vs.forwarding, 'dr');
  // Operator changes the file cannot know about survive a re-import: a drain and labels.
  const rsPath = '/v1/sites/par1/virtual-servers/192.0.2.200-443/real-servers/198.51.100.21-443';
  const drained = await lab.run([
    'drain',
    '--site',
    'par1',
    '--virtual-server',
    '192.0.2.200-443',
    '198.51.100.21-443',
  ]);
  assert.equal(drained.code, 0, drained.stderr);
  assert.equal(
    (await lab.served.cp.request('PATCH', rsPath, { body: { labels: { app: 'api' } } })).status,
    200,
  );
  const again = await importAs(lb1Conf, 'lb1', '192.0.2.11');
  assert.match(again.stdout, /0 created, 0 updated, 4 unchanged\n$/);
  const rs = (await lab.served.cp.request('GET', rsPath)).body;
  assert.equal(rs.adminState, 'draining');
  assert.deepEqual(rs.labels, { app: 'api' });
});

test("importing the second director's config adds it to the instance's members", async () => {
  const dry = await importAs(lb2Conf, 'lb2', '192.0.2.12', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /\n {3}- director: lb1\n {5}priority: 150\n\+ {2}- director: lb2\n\+ {4}priority: 100\n/,
  );
  const applied = await importAs(lb2Conf, 'lb2', '192.0.2.12');
  assert.equal(applied.code, 0, applied.stderr);
  const vrrp = await lab.run(['get', 'vrrp', '--site', 'par1']);
  assert.match(vrrp.stdout, /\nvi_web +61 +eth0 +192\.0\.2\.200 +lb1:150,lb2:100\n/);
});

test('a keepalived.conf with errors is refused (exit 1) before anything changes', async () => {
  const broken = join(lab.dir, 'broken.conf');
  await writeFile(broken, 'vrrp_instance X {\n    interface eth0\n    virtual_router_id 300\n');
  const result = await lab.run([
    'import',
    'keepalived',
    broken,
    '--site',
    'bad1',
    '--director',
    'lb1',
    '--address',
    '192.0.2.1',
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`${broken}:\\d+:\\d+: error: `));
  assert.equal((await lab.served.cp.request('GET', '/v1/sites/bad1')).status, 404);
});

describe('export keepalived', () => {
  test('renders the document the route serves; it imports back to the same instance and service', async () => {
    // A stand-in control plane serving the operator-facing document route the CLI uses.
    const document = await readFile(DOCUMENT_FIXTURE, 'utf8');
    const fake = await serveFake((req, res) => {
      const ok =
        req.url === '/v1/sites/ams1/directors/lb1/document' &&
        req.headers.authorization === 'Bearer flb_test';
      res
        .writeHead(ok ? 200 : 404, { 'content-type': 'application/json' })
        .end(ok ? document : '{}');
    });
    try {
      const env = {
        FLEETLB_URL: fake.url,
        FLEETLB_TOKEN: 'flb_test',
        FLEETLB_TOKEN_FILE: undefined,
      };
      const result = await lab.run(
        ['export', 'keepalived', '--site', 'ams1', '--director', 'lb1'],
        { env },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /vrrp_instance /);
      const original = JSON.parse(document) as DesiredState;
      const back = toDesiredState(parseKeepalivedConf(result.stdout, 'exported.conf').config, {
        site: original.site,
        director: original.director,
      });
      assert.deepEqual(back.issues, []);
      assert.deepEqual(
        back.document?.vrrpInstances.map((i) => [i.vrid, i.priority, i.vips.map((v) => v.address)]),
        original.vrrpInstances.map((i) => [i.vrid, i.priority, i.vips.map((v) => v.address)]),
      );
      assert.deepEqual(
        back.document?.virtualServers.map((v) => [v.address, v.port, v.realServers.length]),
        original.virtualServers.map((v) => [v.address, v.port, v.realServers.length]),
      );
      const asJson = await lab.run(
        ['export', 'keepalived', '--site', 'ams1', '--director', 'lb1', '-o', 'json'],
        { env },
      );
      assert.deepEqual(JSON.parse(asJson.stdout), JSON.parse(document));
    } finally {
      await fake.close();
    }
  });

  test('the real route renders what was imported', async () => {
    const result = await lab.run(['export', 'keepalived', '--site', 'par1', '--director', 'lb1']);
    assert.equal(result.code, 0, result.stderr);
    const back = toDesiredState(parseKeepalivedConf(result.stdout, 'exported.conf').config, {
      site: 'par1',
      director: { name: 'lb1', address: '192.0.2.11' },
    });
    assert.deepEqual(back.issues, []);
    assert.equal(back.document?.vrrpInstances[0]?.vrid, 61);
    assert.equal(back.document?.vrrpInstances[0]?.priority, 150);
  });
});

const CORPUS = (name: string) =>
  fileURLToPath(new URL(`../contract/fixtures-keepalived/corpus/${name}`, import.meta.url));

test('a file keepalived runs with fallbacks imports, each fallback a warning with file:line', async () => {
  const file = CORPUS('haproxy-pair-killall.conf');
  const result = await lab.run([
    'import',
    'keepalived',
    file,
    '--site',
    'corp1',
    '--director',
    'lb1',
    '--address',
    '198.51.100.1',
    '--dry-run',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`${file}:23:\\d+: warning: auth_pass is 13 bytes`));
  assert.match(result.stdout, /\+ {4}path: killall\n/);
  assert.match(result.stdout, /\+ {2}args:\n\+ {4}master:\n\+ {6}- master\n/);
});

test('a refused import names the keepalived.conf line of every error', async () => {
  const file = CORPUS('fnat-refused.conf');
  const result = await lab.run([
    'import',
    'keepalived',
    file,
    '--site',
    'corp2',
    '--director',
    'lb1',
    '--address',
    '198.51.100.1',
  ]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, new RegExp(`${file}:3:\\d+: error: lb_kind FNAT`));
  assert.doesNotMatch(result.stderr, /virtualServers\.\d/);
});

test('lvs_sync_daemon imports as the instance ipvsSync, stored and compiled into the director document', async () => {
  const file = join(lab.dir, 'sync.conf');
  await writeFile(
    file,
    conf(150).replace(
      '    router_id lb\n',
      '    router_id lb\n    lvs_sync_daemon eth1 VI_WEB id 9 ttl 2\n',
    ),
  );
  const result = await lab.run([
    ...['import', 'keepalived', file, '--site', 'par2'],
    ...['--director', 'lb1', '--address', '192.0.2.11'],
  ]);
  assert.equal(result.code, 0, result.stderr);
  const vrrp = json(await lab.run(['get', 'vrrp', 'vi_web', '--site', 'par2', '-o', 'json']));
  assert.deepEqual(vrrp.ipvsSync, { interface: 'eth1', syncId: 9, ttl: 2 });
  const doc = (await lab.served.cp.request('GET', '/v1/sites/par2/directors/lb1/document')) as {
    body: DesiredState;
  };
  assert.deepEqual(doc.body.vrrpInstances[0]?.ipvsSync, { interface: 'eth1', syncId: 9, ttl: 2 });
});
