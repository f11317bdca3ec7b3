/**
 * The V8 flags the agent restarts itself with: lite mode (the smallest idle agent) only for
 * configurations of at most 1,000 real servers, read from the file the agent starts from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  agentNodeFlags,
  BASE_FLAGS,
  countDocumentRealServers,
  countKeepalivedRealServers,
  FIRST_DOCUMENT_REEXEC_ENV,
  firstDocumentReexec,
  LITE_FLAGS,
  nodeFlagsFor,
  startingRealServers,
} from '../../agent/bin/node-flags.js';
import { outgrownLiteMode } from '../../agent/runtime/lite-mode.js';

test('lite mode up to 1,000 real servers, the optimising compiler beyond', () => {
  assert.deepEqual(nodeFlagsFor(0), [...BASE_FLAGS, ...LITE_FLAGS]);
  assert.deepEqual(nodeFlagsFor(1000), [...BASE_FLAGS, ...LITE_FLAGS]);
  assert.deepEqual(nodeFlagsFor(1001), [...BASE_FLAGS]);
});

test('real servers are counted in a keepalived.conf and in a document', () => {
  const conf = [
    'virtual_server 192.0.2.10 80 {',
    '  real_server 198.51.100.1 80 {',
    '    TCP_CHECK { }',
    '  }',
    '\treal_server 198.51.100.2 80 {',
    '  }',
    '  # real_server 198.51.100.3 80 (a comment)',
    '}',
  ].join('\n');
  assert.equal(countKeepalivedRealServers(conf), 2);
  const doc = { virtualServers: [{ realServers: [{}, {}, {}] }, { realServers: [{}] }, {}] };
  assert.equal(countDocumentRealServers(JSON.stringify(doc)), 4);
  assert.equal(countDocumentRealServers('{ not json'), 0);
});

test('the starting configuration: --keepalived-conf, --desired, else the last-known-good document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-flags-'));
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(conf, '  real_server 198.51.100.1 80 {\n  }\n'.repeat(1500));
  assert.equal(startingRealServers(['--keepalived-conf', conf], {}), 1500);
  assert.equal(startingRealServers([`--keepalived-conf=${conf}`], {}), 1500);
  const desired = join(dir, 'desired.json');
  writeFileSync(desired, JSON.stringify({ virtualServers: [{ realServers: [{}, {}] }] }));
  assert.equal(startingRealServers(['--desired', desired], {}), 2);
  assert.equal(startingRealServers([], { FLEETLB_DESIRED: desired }), 2);
  writeFileSync(
    join(dir, 'last-known-good.json'),
    JSON.stringify({ virtualServers: [{ realServers: Array.from({ length: 7 }, () => ({})) }] }),
  );
  const controlPlane = ['--control-plane', 'http://192.0.2.1:8080', '--state-dir', dir];
  assert.equal(startingRealServers(controlPlane, {}), 7);
  assert.equal(startingRealServers(['--control-plane', 'x'], { FLEETLB_STATE_DIR: dir }), 7);
  assert.equal(startingRealServers(['--desired', join(dir, 'missing.json')], {}), 0);
});

test('control-plane mode: lite mode by the last-known-good document; without one, none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-flags-'));
  const controlPlane = ['--control-plane', 'http://192.0.2.1:8080', '--state-dir', dir];
  // The first start: no document yet, its size unknown.
  assert.deepEqual(agentNodeFlags(controlPlane, {}), [...BASE_FLAGS]);
  const saved = (realServers: number) =>
    writeFileSync(
      join(dir, 'last-known-good.json'),
      JSON.stringify({
        virtualServers: [{ realServers: Array.from({ length: realServers }, () => ({})) }],
      }),
    );
  saved(0);
  assert.deepEqual(agentNodeFlags(controlPlane, {}), [...BASE_FLAGS, ...LITE_FLAGS]);
  saved(1000);
  assert.deepEqual(
    agentNodeFlags([], { FLEETLB_CONTROL_PLANE: 'http://192.0.2.1:8080', FLEETLB_STATE_DIR: dir }),
    [...BASE_FLAGS, ...LITE_FLAGS],
  );
  saved(1001);
  assert.deepEqual(agentNodeFlags(controlPlane, {}), [...BASE_FLAGS]);
  writeFileSync(join(dir, 'last-known-good.json'), '{ torn');
  assert.deepEqual(agentNodeFlags(controlPlane, {}), [...BASE_FLAGS]);
  // File mode: a missing file counts as small (the agent then exits on it anyway).
  assert.deepEqual(agentNodeFlags(['--desired', '/nonexistent.json'], {}), [
    ...BASE_FLAGS,
    ...LITE_FLAGS,
  ]);
});

test('a document applied later with too many real servers for lite mode is pointed out', () => {
  const document = (realServers: number) =>
    ({
      virtualServers: [{ realServers: new Array(realServers).fill({}) }],
    }) as Parameters<typeof outgrownLiteMode>[0];
  const lite = [...BASE_FLAGS, ...LITE_FLAGS];
  assert.equal(outgrownLiteMode(document(1000), lite), undefined);
  assert.equal(outgrownLiteMode(document(1001), lite), 1001);
  assert.equal(outgrownLiteMode(document(5000), [...BASE_FLAGS]), undefined);
});

test('a first start re-execs once for its first document, into the flags it calls for', () => {
  const base = [...BASE_FLAGS, '--import', 'tsx'];
  // Small: lite mode added. Large: the base flags it runs with already.
  assert.deepEqual(firstDocumentReexec(2, base, {}), { reexec: true, flags: [...LITE_FLAGS] });
  assert.deepEqual(firstDocumentReexec(1000, base, {}), { reexec: true, flags: [...LITE_FLAGS] });
  assert.equal(firstDocumentReexec(1001, base, {}).reexec, false);
  // Launched without the launcher's re-exec (no addon): every flag the document calls for.
  assert.deepEqual(firstDocumentReexec(0, [], {}), {
    reexec: true,
    flags: [...BASE_FLAGS, ...LITE_FLAGS],
  });
  // Once only; never over the operator's flags; not when they are all there.
  assert.equal(firstDocumentReexec(2, base, { [FIRST_DOCUMENT_REEXEC_ENV]: 'done' }).reexec, false);
  assert.equal(firstDocumentReexec(2, base, { FLEETLB_AGENT_NODE_FLAGS: '' }).reexec, false);
  assert.equal(firstDocumentReexec(2, [...base, ...LITE_FLAGS], {}).reexec, false);
});
