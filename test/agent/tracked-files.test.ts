/**
 * Tracked files (keepalived track_file): the number read as track_file.c reads it, its effect on
 * the priority, the tracker behind its port (a fake directory), and one real file replaced by a
 * rename as operators do.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackFileValue } from '../../agent/core/vrrp/track-file-value.js';
import { effectivePriority, fileStatus } from '../../agent/core/vrrp/tracking.js';
import { TrackedChecks } from '../../agent/vrrp/tracked-checks.js';
import { nodeTrackedFiles } from '../../agent/vrrp/tracked-files.js';
import { FakeFiles } from '../support/fake-files.js';
import { PreparedScripts } from '../../agent/scripts/script-launcher.js';
import { TrackedCheck } from '../../contract/vrrp-instance.js';
import type { TrackedCheckResult } from '../../agent/core/vrrp/tracking.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the number in a tracked file (strtol base 0, track_file.c process_track_file())', () => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, 0], // missing
    ['', 0],
    ['12\n', 12],
    ['  -7 trailing words', -7],
    ['+3', 3],
    ['0x1f', 31],
    ['010', 8], // octal, as strtol reads it
    ['09', 0], // octal stops at 9
    ['abc', 0], // no digits
    ['2147483648', 2147483648], // INT32_MAX + 1 is still read
    ['2147483649', undefined], // above: ignored, the last value stays
    ['-2147483649', undefined],
    ['99999999999999999999', undefined], // beyond a long: ERANGE, ignored
  ];
  for (const [text, want] of cases)
    test(JSON.stringify(text), () =>
      assert.equal(trackFileValue(text === undefined ? undefined : bytes(text)), want),
    );
  test('only the first 127 bytes count', () => {
    assert.equal(trackFileValue(bytes(`${' '.repeat(127)}5`)), 0);
    assert.equal(trackFileValue(bytes(`${' '.repeat(125)}567`)), 56);
  });
});

describe('a tracked file moves the priority (track_file.c update_track_file_status())', () => {
  test('number × weight, reverse, clamped to -254..253; -254 is FAULT; weight 0 faults on non-zero', () => {
    assert.equal(fileStatus(3, 5, false), 15);
    assert.equal(fileStatus(3, 5, true), -15);
    assert.equal(fileStatus(1000, 1, false), 253);
    assert.equal(fileStatus(-1000, 1, false), -254);
    assert.equal(fileStatus(0, 0, false), 0);
    assert.equal(fileStatus(2, 0, false), -254);
    assert.equal(fileStatus(0, 0, true), -254);
    assert.equal(fileStatus(2, 0, true), 0);
  });
  test('effective priority', () => {
    const file = (value: number, weight: number, reverse = false): TrackedCheckResult => ({
      file: { value, weight, reverse },
    });
    assert.deepEqual(effectivePriority(100, [file(2, 10)]), { priority: 120, fault: false });
    assert.deepEqual(effectivePriority(100, [file(2, -10)]), { priority: 80, fault: false });
    assert.deepEqual(effectivePriority(100, [file(1, 0)]), { priority: 100, fault: true });
    assert.deepEqual(effectivePriority(100, [file(-300, 1)]), { priority: 100, fault: true });
    assert.deepEqual(effectivePriority(250, [file(9, 1)]), { priority: 254, fault: false });
    assert.deepEqual(effectivePriority(255, [file(9, 1)]), { priority: 255, fault: false });
  });
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

function checksOn(files: FakeFiles, spec: Record<string, unknown>) {
  const seen: TrackedCheckResult[][] = [];
  const disabled: string[] = [];
  const checks = new TrackedChecks(
    [TrackedCheck.parse({ type: 'file', name: 'file-f', path: '/run/f', ...spec })],
    (results) => seen.push(results),
    { files, scripts: new PreparedScripts(), onDisabled: (_c, why) => disabled.push(why) },
  );
  return { checks, seen, disabled };
}

describe('the file tracker (fake directory)', () => {
  test('reads at start, follows writes and renames, a removed file reads 0', async () => {
    const files = new FakeFiles();
    files.contents.set('/run/f', '4');
    const { checks, seen } = checksOn(files, { weight: -5 });
    await checks.start();
    assert.deepEqual(checks.results(), [{ file: { value: 4, weight: -5, reverse: false } }]);
    files.set('/run/f', '7');
    files.set('/run/other', '1'); // another file of the directory: ignored
    await settle();
    assert.deepEqual(effectivePriority(100, checks.results()), { priority: 65, fault: false });
    files.remove('/run/f');
    await settle();
    assert.deepEqual(effectivePriority(100, checks.results()), { priority: 100, fault: false });
    files.set('/run/f', 'junk 99999999999'); // strtol reads 0 from junk
    files.set('/run/f', '99999999999'); // out of range: ignored, stays 0
    await settle();
    assert.deepEqual(
      seen.map((r) => (r[0] as { file: { value: number } }).file.value),
      [4, 7, 0],
    );
    checks.stop();
  });

  test('init_file writes a missing file (or always, with overwrite), not on a carried-over check', async () => {
    const files = new FakeFiles();
    const { checks } = checksOn(files, { init: { value: 3 } });
    await checks.start();
    assert.equal(files.contents.get('/run/f'), '3\n');
    files.contents.set('/run/f', '8');
    const again = checksOn(files, { init: { value: 3 } });
    again.checks.carryFrom(checks);
    await again.checks.start();
    assert.equal(files.contents.get('/run/f'), '8');
    const overwrite = checksOn(files, { init: { value: 1, overwrite: true } });
    await overwrite.checks.start();
    assert.equal(files.contents.get('/run/f'), '1\n');
    for (const c of [checks, again.checks, overwrite.checks]) c.stop();
  });

  test('a directory that cannot be watched disables the check: it counts for nothing', async () => {
    const files = new FakeFiles();
    files.missingDirs.add('/run');
    const { checks, disabled } = checksOn(files, { weight: 0, reverse: true }); // 0 would FAULT
    await checks.start();
    assert.equal(disabled.length, 1);
    assert.deepEqual(effectivePriority(100, checks.results()), { priority: 100, fault: false });
    checks.stop();
  });
});

test('a real file replaced by a rename is followed (fs.watch on its directory)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-track-file-'));
  try {
    const path = join(dir, 'state');
    writeFileSync(path, '1\n');
    const values: number[] = [];
    let changed: () => void = () => {};
    const checks = new TrackedChecks(
      [TrackedCheck.parse({ type: 'file', name: 'file-state', path, weight: 10 })],
      (results) => {
        values.push((results[0] as { file: { value: number } }).file.value);
        changed();
      },
      { files: nodeTrackedFiles, scripts: new PreparedScripts() },
    );
    await checks.start();
    // The agent's watches do not hold the process open; this test's wait does.
    const keepAlive = setInterval(() => {}, 1000);
    const next = new Promise<void>((resolve) => (changed = resolve)).finally(() =>
      clearInterval(keepAlive),
    );
    writeFileSync(join(dir, 'state.new'), '5\n');
    renameSync(join(dir, 'state.new'), path);
    await next;
    assert.deepEqual(effectivePriority(100, checks.results()), { priority: 150, fault: false });
    checks.stop();
    assert.equal(values.at(-1), 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
