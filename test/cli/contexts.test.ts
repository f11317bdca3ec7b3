/** `fleetlb context`: the contexts file (default path, 0600), switching contexts, and which settings win. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closedPortUrl, json, startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
before(async () => {
  lab = await startCliLab();
});
after(async () => {
  await lab.close();
});

test('context set writes $XDG_CONFIG_HOME/fleetlb/config.json, 0600, and the first context becomes current', async () => {
  const set = await lab.runBare([
    'context',
    'set',
    'lab',
    '--url',
    lab.served.url,
    '--token-file',
    lab.adminTokenFile,
    '--site',
    'ams1',
  ]);
  assert.equal(set.code, 0, set.stderr);
  const path = join(lab.dir, 'xdg', 'fleetlb', 'config.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const file = JSON.parse(await readFile(path, 'utf8'));
  assert.equal(file.currentContext, 'lab');
  assert.deepEqual(file.contexts.lab, {
    url: lab.served.url,
    tokenFile: lab.adminTokenFile,
    site: 'ams1',
  });
  // The context is enough to talk to the control plane, with its default site.
  const got = await lab.runBare(['get', 'directors', '-o', 'json']);
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual(
    json<{ name: string }[]>(got).map((d) => d.name),
    ['lb1', 'lb2'],
  );
});

test('context use switches, list marks the current one, --context and FLEETLB_CONTEXT override it', async () => {
  const dead = await closedPortUrl();
  const config = ['--config', lab.configPath];
  await lab.runBare([
    'context',
    'set',
    'good',
    '--url',
    lab.served.url,
    '--token-file',
    lab.adminTokenFile,
    ...config,
  ]);
  await lab.runBare([
    'context',
    'set',
    'dead',
    '--url',
    dead,
    '--token-file',
    lab.adminTokenFile,
    ...config,
  ]);
  const use = await lab.runBare(['context', 'use', 'dead', ...config]);
  assert.equal(use.code, 0, use.stderr);
  const list = await lab.runBare(['context', 'list', ...config]);
  assert.match(list.stdout, /^CURRENT +NAME +URL +TOKEN +SITE\n/);
  assert.match(list.stdout, /\n\* +dead +http/);
  assert.match(list.stdout, /\n +good +http/);
  assert.equal(
    (await lab.runBare(['get', 'sites', ...config])).code,
    7,
    'the current context is dead',
  );
  assert.equal((await lab.runBare(['get', 'sites', '--context', 'good', ...config])).code, 0);
  const fromEnv = await lab.runBare(['get', 'sites'], {
    env: { FLEETLB_CONFIG: lab.configPath, FLEETLB_CONTEXT: 'good' },
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  const unknown = await lab.runBare(['get', 'sites', '--context', 'nope', ...config]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no context named nope/);
  assert.equal((await lab.runBare(['context', 'use', 'nope', ...config])).code, 3);
});

test('--url, FLEETLB_URL, --token-file and FLEETLB_TOKEN override the context', async () => {
  const config = ['--config', lab.configPath];
  await lab.runBare(['context', 'use', 'dead', ...config]);
  assert.equal((await lab.runBare(['get', 'sites', '--url', lab.served.url, ...config])).code, 0);
  assert.equal(
    (await lab.runBare(['get', 'sites', ...config], { env: { FLEETLB_URL: lab.served.url } })).code,
    0,
  );
  const badToken = join(lab.dir, 'bad.token');
  await writeFile(badToken, 'flb_wrong\n');
  const overridden = await lab.runBare([
    'get',
    'sites',
    '--context',
    'good',
    '--token-file',
    badToken,
    ...config,
  ]);
  assert.equal(overridden.code, 6);
  const envToken = await lab.runBare(['get', 'sites', '--context', 'good', ...config], {
    env: { FLEETLB_TOKEN: 'flb_wrong' },
  });
  assert.equal(envToken.code, 6);
});

test('context list -o json hides inline tokens', async () => {
  const config = ['--config', lab.configPath];
  await lab.runBare([
    'context',
    'set',
    'inline',
    '--url',
    lab.served.url,
    '--token',
    lab.served.cp.adminToken,
    ...config,
  ]);
  const listed = json(await lab.runBare(['context', 'list', '-o', 'json', ...config]));
  const inline = listed.contexts.find((c: { name: string }) => c.name === 'inline');
  assert.equal(inline.token, '********');
  assert.equal((await lab.runBare(['get', 'sites', '--context', 'inline', ...config])).code, 0);
  assert.equal((await lab.runBare(['context', 'delete', 'inline', ...config])).code, 0);
  const after = json(await lab.runBare(['context', 'list', '-o', 'json', ...config]));
  assert.equal(
    after.contexts.some((c: { name: string }) => c.name === 'inline'),
    false,
  );
});
