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

/** What eslint says of `source` as if it lived at `path`. */
function lintAs(path: string, source: string): string {
  const result = spawnSync('npx', ['--no-install', 'eslint', '--stdin', '--stdin-filename', path], {
    input: source,
    encoding: 'utf8',
  });
  return `${result.stdout}${result.stderr}`;
}

test('eslint enforces the layer boundaries (each forbidden import is reported)', () => {
  const cases: [string, string, RegExp][] = [
    [
      'contract/probe.ts',
      "import { createApp } from '../control-plane/app.js';",
      /imports nothing of ours/,
    ],
    ['contract/probe.ts', "import { readFileSync } from 'node:fs';", /pure core/],
    [
      'agent/probe.ts',
      "import { createApp } from '../control-plane/app.js';",
      /never imports control-plane/,
    ],
    ['agent/core/probe.ts', "import { Socket } from 'node:net';", /pure core/],
    ['control-plane/probe.ts', "import { x } from '../agent/core/x.js';", /never imports agent/],
    ['control-plane/compile/probe.ts', "import { hostname } from 'node:os';", /pure core/],
    ['control-plane/routes/probe.ts', 'export const port = process.env.PORT;', /config\.ts only/],
    // The CLI imports only contract/ and its own files: statically, dynamically or re-exported.
    [
      'control-plane/cli/probe.ts',
      "import type { Tx } from '../db/database.js';",
      /the CLI imports only contract\/ and control-plane\/cli\//,
    ],
    [
      'control-plane/cli/commands/probe.ts',
      "export const m = await import('../../store/drain.js');",
      /the CLI imports only contract\/ and control-plane\/cli\//,
    ],
    [
      'control-plane/cli/commands/probe.ts',
      "export { KINDS } from '../../routes/objects/kinds.js';",
      /the CLI imports only contract\/ and control-plane\/cli\//,
    ],
    [
      'control-plane/bin/fleetlb.js',
      "await import('../main.ts');",
      /the CLI imports only contract\/ and control-plane\/cli\//,
    ],
  ];
  for (const [path, source, expected] of cases) {
    assert.match(lintAs(path, `${source}\nexport {};\n`), expected, `${path}: ${source}`);
  }
  assert.doesNotMatch(
    lintAs('control-plane/probe.ts', "import { z } from '../contract/index.js';\nexport { z };\n"),
    /error/,
  );
  assert.doesNotMatch(
    lintAs(
      'control-plane/cli/commands/probe.ts',
      "import { parse } from 'yaml';\nimport type { DrainResult } from '../../../contract/deploy-result.js';\nimport { EXIT } from '../exit-codes.js';\nexport type { DrainResult };\nexport { parse, EXIT };\n",
    ),
    /error/,
  );
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
