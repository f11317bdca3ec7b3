/**
 * dashboards/build.ts: the JSON committed under deploy/grafana/dashboards/ is exactly what the
 * definitions generate now (not stale, nothing extra), generation is deterministic, and
 * `--check` reports a changed, a missing and an extra file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { staleFiles } from '../../dashboards/build.js';
import { DASHBOARDS_DIR, renderDashboards, stableJson } from '../../dashboards/render.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = join(root, DASHBOARDS_DIR);

test('committed dashboard JSON matches the definitions (run `npm run dashboards` if not)', () => {
  const files = renderDashboards();
  assert.deepEqual(staleFiles(committed, files), []);
  for (const [name, text] of files) {
    assert.equal(readFileSync(join(committed, name), 'utf8'), text, name);
  }
});

test('generation is deterministic and the JSON is stable: sorted keys, 2 spaces, newline', () => {
  const first = renderDashboards();
  const second = renderDashboards();
  assert.deepEqual([...first], [...second]);
  for (const [name, text] of first) {
    assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'), name);
    assert.equal(stableJson(JSON.parse(text)), text, `${name} round-trips byte for byte`);
    assert.match(text, /^\{\n {2}"annotations"/, `${name}: keys sorted, 2-space indent`);
  }
  assert.equal(
    stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
    '{\n  "a": {\n    "c": null,\n    "d": [\n      2,\n      {\n        "e": 0,\n        "f": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
  );
});

test('staleFiles lists changed, missing and extra files', () => {
  const files = renderDashboards();
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-dashboards-'));
  try {
    assert.deepEqual(staleFiles(dir, files), [...files.keys()].sort(), 'empty dir: all missing');
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    assert.deepEqual(staleFiles(dir, files), []);
    const [first] = [...files.keys()].sort();
    assert.ok(first !== undefined);
    writeFileSync(join(dir, first), '{}\n');
    writeFileSync(join(dir, 'old-dashboard.json'), '{}\n');
    assert.deepEqual(staleFiles(dir, files), [first, 'old-dashboard.json'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build.ts --check exits 0 on the committed files', () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'dashboards/build.ts', '--check'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
