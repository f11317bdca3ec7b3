/**
 * The repository stands on its own: code and docs cite public sources (RFC sections, keepalived's
 * or the kernel's source files, man pages, a package's own README or source, Prometheus's
 * documentation, or this repository's tests and benchmarks), never the team's private research
 * notes. So no tracked file but this one names their folder or one of the notes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';

const SELF = 'test/repo/public-citations.test.ts';

/** The notes' folder (however it is reached) and the notes' names. */
const FORBIDDEN = [
  'shared/research',
  '../shared',
  '/work/shared',
  'keepalived-vrrp.md',
  'library-probes',
  'metrics-conventions.md',
  'aesthetics-anchors',
  'anchors-control-plane',
  'keepalived-failover-baseline',
];

function trackedFiles(): string[] {
  const result = spawnSync('git', ['ls-files', '-z'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `git ls-files: ${result.stderr}`);
  return result.stdout.split('\0').filter((path) => path !== '');
}

/** `path:line: text` for every line of `text` that mentions a forbidden string. */
function privateCitations(path: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (FORBIDDEN.some((needle) => line.includes(needle))) {
      found.push(`${path}:${index + 1}: ${line.trim()}`);
    }
  });
  return found;
}

test('the rule sees each forbidden citation', () => {
  for (const needle of FORBIDDEN) {
    assert.equal(privateCitations('x.ts', `ok\n// see ${needle} §2\n`).length, 1, needle);
  }
  assert.deepEqual(privateCitations('x.ts', '// RFC 9568 §6.4.2, keepalived/vrrp/vrrp.c\n'), []);
});

test('no tracked file cites the private research notes', () => {
  const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  const files = trackedFiles().filter((path) => path !== SELF && isFile(path));
  assert.ok(files.length > 0, 'git ls-files lists the repository');
  const found = files.flatMap((path) => privateCitations(path, readFileSync(path, 'utf8')));
  assert.deepEqual(found, [], 'cite the public source instead');
});
