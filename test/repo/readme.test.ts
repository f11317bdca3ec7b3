/**
 * The README stays true where a test can tell: its example manifests parse as the CLI parses
 * them (schemas and defaults), and every `npm run` script and CLI command it names exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseManifests } from '../../control-plane/cli/manifest.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const scripts = Object.keys(
  (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts,
);

test('the example manifests are valid', () => {
  const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length > 0, 'the README has an example manifest');
  for (const block of blocks) {
    const objects = parseManifests(block, 'README.md');
    assert.deepEqual([...new Set(objects.map((o) => o.ref.kind))].sort(), [
      'Director',
      'RealServer',
      'Site',
      'VirtualServer',
      'VrrpInstance',
    ]);
  }
});

test('every npm script the README names exists', () => {
  const named = [...README.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!);
  const bench = [...README.matchAll(/`(bench:[a-z-]+)`/g)].map((m) => m[1]!);
  for (const script of [...named, ...bench]) assert.ok(scripts.includes(script), script);
});
