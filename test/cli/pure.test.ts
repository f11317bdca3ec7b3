/** The CLI's pure pieces: unified diffs, tables, durations, drain progress lines, keepalived documents to objects. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { DesiredState } from '../../contract/index.js';
import { COMMANDS } from '../../control-plane/cli/commands/index.js';
import { unifiedDiff } from '../../control-plane/cli/diff.js';
import { GLOBAL_OPTIONS } from '../../control-plane/cli/help.js';
import {
  drainProgressLines,
  ProgressDisplay,
  type DrainResult,
} from '../../control-plane/cli/drain-progress.js';
import { parseDurationMs } from '../../control-plane/cli/duration.js';
import { objectsFromDocument, refKey } from '../../control-plane/cli/keepalived-objects.js';
import { MANIFEST_API_VERSION } from '../../control-plane/cli/kinds.js';
import { API_VERSION } from '../../contract/index.js';
import { renderTable } from '../../control-plane/cli/table.js';

test('unifiedDiff: nothing for equal texts; hunks with 3 lines of context, removals before additions', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { before: 'x', after: 'y' }), '');
  const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n');
  const after = before.replace('2', 'two').replace('11', 'eleven');
  const expected = ['--- old', '+++ new', '@@ -1,5 +1,5 @@', ' 1', '-2', '+two', ' 3', ' 4', ' 5'];
  expected.push('@@ -8,5 +8,5 @@', ' 8', ' 9', ' 10', '-11', '+eleven', ' 12');
  assert.equal(
    unifiedDiff(before, after, { before: 'old', after: 'new' }),
    `${expected.join('\n')}\n`,
  );
  assert.equal(
    unifiedDiff('', 'a\n', { before: 'x', after: 'y' }),
    '--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n',
  );
});

test('renderTable aligns columns, shows empty cells as -, leaves no trailing spaces', () => {
  const rows = [
    { a: 'x', b: '', c: 'long value' },
    { a: 'longer', b: 'y', c: '' },
  ];
  const text = renderTable(
    [
      { header: 'A', value: (r: (typeof rows)[number]) => r.a },
      { header: 'B', value: (r) => r.b },
      { header: 'C', value: (r) => r.c },
    ],
    rows,
  );
  assert.equal(text, 'A        B   C\nx        -   long value\nlonger   y   -\n');
});

test('parseDurationMs: bare seconds and unit sums; anything else is a usage error', () => {
  assert.equal(parseDurationMs('90'), 90_000);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('2h'), 7_200_000);
  assert.throws(
    () => parseDurationMs('5 minutes'),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
  assert.throws(
    () => parseDurationMs('5mx'),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
});

test('drain progress: one line per director; a TTY is redrawn in place, a pipe gets changed lines only', () => {
  const result: DrainResult = {
    revision: 9,
    changed: true,
    drained: false,
    realServers: [],
    remaining: [
      {
        director: 'lb2',
        virtualServer: 'web',
        realServer: 'web1',
        reason: 'not-applied',
        appliedRevision: 8,
        activeConnections: null,
      },
      {
        director: 'lb1',
        virtualServer: 'web',
        realServer: 'web1',
        reason: 'connections',
        appliedRevision: 9,
        activeConnections: 3,
      },
      {
        director: 'lb1',
        virtualServer: 'web',
        realServer: 'web2',
        reason: 'connections',
        appliedRevision: 9,
        activeConnections: 1,
      },
    ],
  };
  const lines = drainProgressLines(result);
  assert.deepEqual(lines, [
    'lb1: 4 active connections left (web/web1 3, web/web2 1)',
    'lb2: has not applied revision 9 yet (at 8)',
  ]);
  let written = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  });
  const tty = new ProgressDisplay(sink, true);
  tty.update(lines);
  tty.update(['lb1: 1 active connection left (web/web2 1)']);
  assert.equal(
    written,
    `\x1b[J${lines[0]}\n${lines[1]}\n\x1b[2F\x1b[Jlb1: 1 active connection left (web/web2 1)\n`,
  );
  written = '';
  const pipe = new ProgressDisplay(sink, false);
  pipe.update(lines);
  pipe.update(lines);
  pipe.update([lines[1]!]);
  assert.equal(written.split('\n').filter(Boolean).length, 2, 'a repeated snapshot prints nothing');
});

test('objectsFromDocument: site only when missing, membership merged, operator metadata kept', () => {
  const document = DesiredState.parse(
    JSON.parse(
      readFileSync(
        new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url),
        'utf8',
      ),
    ),
  );
  const instance = document.vrrpInstances[0]!;
  const existing = new Map<string, Record<string, unknown> & { name: string }>([
    [refKey('Site', document.site), { name: document.site }],
    [
      refKey('Director', document.site, 'lb1'),
      {
        name: 'lb1',
        address: '192.0.2.2',
        labels: { rack: 'r1' },
        metricsAddress: '192.0.2.2:9500',
      },
    ],
    [
      refKey('VrrpInstance', document.site, instance.name),
      {
        name: instance.name,
        members: [
          { director: 'lb2', priority: 100 },
          { director: 'lb1', priority: 1 },
        ],
      },
    ],
  ]);
  const { objects } = objectsFromDocument(document, existing);
  assert.equal(
    objects.some((o) => o.ref.kind === 'Site'),
    false,
  );
  const director = objects.find((o) => o.ref.kind === 'Director')!;
  assert.deepEqual(director.spec, {
    name: 'lb1',
    address: '192.0.2.2',
    labels: { rack: 'r1' },
    metricsAddress: '192.0.2.2:9500',
  });
  const vrrp = objects.find((o) => o.ref.kind === 'VrrpInstance')!;
  assert.deepEqual(vrrp.spec.members, [
    { director: 'lb2', priority: 100 },
    { director: 'lb1', priority: instance.priority },
  ]);
  assert.equal('unicastPeers' in vrrp.spec || 'priority' in vrrp.spec, false);
  const real = objects.filter((o) => o.ref.kind === 'RealServer');
  assert.ok(real.length > 0 && real.every((o) => o.ref.virtualServer !== undefined));
});

test('the manifests apiVersion is the contract one', () => {
  assert.equal(MANIFEST_API_VERSION, API_VERSION);
});

test('an option name means the same thing in every command (the first parse relies on it)', () => {
  const seen = new Map<string, string>(
    Object.entries(GLOBAL_OPTIONS).map(([name, o]) => [name, `${o.type}/${o.short ?? ''}`]),
  );
  for (const command of COMMANDS) {
    for (const [name, option] of Object.entries(command.options)) {
      const shape = `${option.type}/${option.short ?? ''}`;
      assert.equal(seen.get(name) ?? shape, shape, `--${name} of ${command.words.join(' ')}`);
      seen.set(name, shape);
    }
  }
  const shorts = [...seen.entries()]
    .filter(([, s]) => !s.endsWith('/'))
    .map(([n, s]) => `${s.split('/')[1]}=${n}`);
  assert.equal(new Set(shorts.map((s) => s.split('=')[0])).size, shorts.length, shorts.join(' '));
});
