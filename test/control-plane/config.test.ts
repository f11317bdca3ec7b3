/** The control plane's configuration: flags over environment over defaults, clear errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../control-plane/config.js';

test('defaults: serve on 127.0.0.1:8080 with PGlite in .fleetlb/data', () => {
  const parsed = parseConfig([], {});
  assert.ok('config' in parsed);
  assert.equal(parsed.config.command, 'serve');
  assert.equal(parsed.config.host, '127.0.0.1');
  assert.equal(parsed.config.port, 8080);
  assert.equal(parsed.config.databaseUrl, undefined);
  assert.match(parsed.config.dataDir, /\.fleetlb\/data$/);
  assert.equal(parsed.config.bodyTimeoutS, 10);
});

test('the body timeout: flag over FLEETLB_BODY_TIMEOUT_S', () => {
  const fromEnv = parseConfig([], { FLEETLB_BODY_TIMEOUT_S: '2.5' });
  assert.ok('config' in fromEnv);
  assert.equal(fromEnv.config.bodyTimeoutS, 2.5);
  const fromFlag = parseConfig(['--body-timeout', '30'], { FLEETLB_BODY_TIMEOUT_S: '2.5' });
  assert.ok('config' in fromFlag);
  assert.equal(fromFlag.config.bodyTimeoutS, 30);
});

test('flags win over the environment', () => {
  const parsed = parseConfig(['serve', '--listen', '[::1]:9000', '--log-level', 'debug'], {
    FLEETLB_LISTEN: '0.0.0.0:1',
    DATABASE_URL: 'postgres://db/fleet',
    FLEETLB_LOG_LEVEL: 'warn',
  });
  assert.ok('config' in parsed);
  assert.deepEqual(
    [parsed.config.host, parsed.config.port, parsed.config.logLevel],
    ['::1', 9000, 'debug'],
  );
  assert.equal(parsed.config.databaseUrl, 'postgres://db/fleet');
});

test('bad input is an error message, not an exit', () => {
  for (const [argv, env, pattern] of [
    [['--listen', 'nope'], {}, /HOST:PORT/],
    [['--bogus'], {}, /bogus/],
    [['serve', 'extra'], {}, /unexpected arguments/],
    [[], { DATABASE_URL: 'mysql://x' }, /postgres:\/\//],
    [['--max-wait', '0'], {}, /maxWaitS/],
    [['--body-timeout', 'soon'], {}, /bodyTimeoutS/],
    [['frobnicate'], {}, /command/],
  ] as const) {
    const parsed = parseConfig([...argv], { ...env });
    assert.ok('error' in parsed, `${argv.join(' ')} should fail`);
    assert.match(parsed.error, pattern);
  }
  assert.deepEqual(parseConfig(['-h'], {}), { help: true });
});
