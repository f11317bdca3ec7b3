/** `fleetlb token create|list|revoke`: a token works until it is revoked. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { json, startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
before(async () => {
  lab = await startCliLab();
});
after(async () => {
  await lab.close();
});

test('create prints the token alone on stdout; it works; list shows it; revoke ends it', async () => {
  const created = await lab.run(['token', 'create', '--name', 'deploy-bot', '--role', 'operator']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^flb_\S+\n$/);
  assert.match(
    created.stderr,
    /created operator token [0-9a-f-]{36} \(deploy-bot\); it is shown once/,
  );
  const tokenFile = join(lab.dir, 'operator.token');
  await writeFile(tokenFile, created.stdout);
  const asOperator = ['--token-file', tokenFile];
  assert.equal((await lab.run(['get', 'sites', ...asOperator])).code, 0);

  const list = await lab.run(['token', 'list']);
  assert.match(list.stdout, /^ID +NAME +ROLE +DIRECTOR +CREATED +EXPIRES +REVOKED\n/);
  const line = list.stdout.split('\n').find((l) => l.includes('deploy-bot'));
  assert.match(line ?? '', /^([0-9a-f-]{36}) +deploy-bot +operator +- +\S+ +never +-$/);
  const id = line!.split(/ +/)[0]!;

  const revoked = await lab.run(['token', 'revoke', id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal((await lab.run(['get', 'sites', ...asOperator])).code, 6);
  const active = json(await lab.run(['token', 'list', '-o', 'json']));
  assert.equal(
    active.some((t: { id: string }) => t.id === id),
    false,
  );
  const all = json(await lab.run(['token', 'list', '--include-revoked', '-o', 'json']));
  assert.notEqual(all.find((t: { id: string }) => t.id === id).revokedAt, null);
});

test('agent tokens are bound to a director; -o json returns the record with the token', async () => {
  const created = json(
    await lab.run([
      'token',
      'create',
      '--name',
      'lb1',
      '--role',
      'agent',
      '--site',
      'ams1',
      '--director',
      'lb1',
      '--expires-in',
      '30d',
      '-o',
      'json',
    ]),
  );
  assert.equal(created.director, 'ams1/lb1');
  assert.match(created.token, /^flb_/);
  assert.notEqual(created.expiresAt, null);
  const unknownId = await lab.run(['token', 'revoke', '00000000-0000-4000-8000-000000000000']);
  assert.equal(unknownId.code, 3);
});
