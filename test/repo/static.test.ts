/**
 * Static checks as part of the one test command: the code typechecks (strict), lints (including
 * the import boundaries between contract/, agent/ and control-plane/), is formatted, and the
 * migrations match the drizzle schema.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('tsc: the project typechecks', () => {
  const { status, output } = run('npx', ['--no-install', 'tsc', '-p', '.']);
  assert.equal(status, 0, output);
});

test('eslint: no lint errors, import boundaries respected', () => {
  const { status, output } = run('npx', ['--no-install', 'eslint', '--max-warnings', '0', '.']);
  assert.equal(status, 0, output);
});

test('prettier: the code is formatted (npm run format)', () => {
  const { status, output } = run('npx', ['--no-install', 'prettier', '--check', '.']);
  assert.equal(status, 0, output);
});

test('drizzle-kit: the committed migrations match the schema', () => {
  const { status, output } = run('npx', ['--no-install', 'drizzle-kit', 'check']);
  assert.equal(status, 0, output);
  const generate = run('npx', [
    '--no-install',
    'drizzle-kit',
    'generate',
    '--name',
    'ci-drift-probe',
  ]);
  assert.match(
    generate.output,
    /No schema changes/,
    `schema and migrations differ:\n${generate.output}`,
  );
});
