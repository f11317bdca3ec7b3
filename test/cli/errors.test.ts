/** The CLI's exit codes for usage errors (2), bad tokens (6), unreachable control planes (7), and --help everywhere (0). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../../control-plane/cli/commands/index.js';
import { closedPortUrl, startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
before(async () => {
  lab = await startCliLab();
});
after(async () => {
  await lab.close();
});

test('usage errors exit 2 and say what is wrong', async () => {
  const cases: [string[], RegExp][] = [
    [[], /Usage: fleetlb COMMAND/],
    [['frobnicate'], /unknown command frobnicate/],
    [['get', 'sites', '--bogus'], /Unknown option '--bogus'/],
    [['get'], /takes KIND/],
    [['get', 'widgets'], /unknown kind widgets/],
    [['get', 'sites', '-o', 'xml'], /-o must be one of table, json, yaml/],
    [
      ['weight', 'set', '--site', 'ams1', '--virtual-server', 'web-http', 'web1', 'heavy'],
      /integer from 0 to 65535/,
    ],
    [['drain', '--site', 'ams1', 'web1'], /--virtual-server VS REAL, or -l SELECTOR/],
    [['drain', '--site', 'ams1', '-l', 'app=web', '--wait', '--timeout', 'soon'], /not a duration/],
    [['token', 'create', '--name', 'x'], /needs --name and --role/],
    [
      ['drain', '--site', 'ams1', '-l', 'app=web', '--timeout', '1m'],
      /--timeout only applies with --wait/,
    ],
    [['apply'], /needs -f FILE/],
  ];
  for (const [args, message] of cases) {
    const result = await lab.run(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
  }
});

test('--help works on every command and exits 0, listing the exit codes', async () => {
  const top = await lab.run(['--help']);
  assert.equal(top.code, 0);
  for (const command of COMMANDS)
    assert.match(top.stdout, new RegExp(`\\n  ${command.words.join(' ')}`));
  assert.match(top.stdout, /5 +drain --wait timed out/);
  for (const command of COMMANDS) {
    const result = await lab.run([...command.words, '--help']);
    assert.equal(result.code, 0, command.words.join(' '));
    assert.match(result.stdout, new RegExp(`^Usage: fleetlb ${command.words.join(' ')}`));
    assert.match(result.stdout, /Exit codes:/);
  }
  const group = await lab.run(['token', '--help']);
  assert.equal(group.code, 0);
  assert.match(group.stdout, /token create/);
  assert.doesNotMatch(group.stdout, /\n {2}get /);
});

test('a bad or revoked token exits 6; no token at all too', async () => {
  const badFile = join(lab.dir, 'bad.token');
  await writeFile(badFile, 'flb_not-a-real-token\n');
  const bad = await lab.run(['get', 'sites', '--token-file', badFile]);
  assert.equal(bad.code, 6);
  assert.match(bad.stderr, /401 Unauthorized/);
  const none = await lab.runBare(['get', 'sites', '--url', lab.served.url]);
  assert.equal(none.code, 6);
  assert.match(none.stderr, /no API token/);
});

test('a viewer doing an admin thing exits 6 (forbidden)', async () => {
  const viewer = await lab.served.cp.token('viewer');
  const result = await lab.run(['token', 'list'], {
    env: { FLEETLB_TOKEN_FILE: undefined, FLEETLB_TOKEN: viewer },
  });
  assert.equal(result.code, 6);
  assert.match(result.stderr, /403/);
});

test('an unreachable control plane exits 7', async () => {
  const url = await closedPortUrl();
  const result = await lab.run(['get', 'sites', '--url', url]);
  assert.equal(result.code, 7);
  assert.match(result.stderr, new RegExp(`cannot reach the control plane at ${url}`));
});

test('no URL anywhere is a usage error (exit 2) that says how to set one', async () => {
  const result = await lab.runBare(['get', 'sites']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /fleetlb context set NAME --url URL/);
});
