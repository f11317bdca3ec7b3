// Lint: typescript-eslint's recommended rules plus the import boundaries that keep the layers
// honest (DESIGN.md "The pieces"):
//   contract/            imports nothing of ours, and no node:* (it runs on both sides);
//   agent/ ↮ control-plane/  never import each other;
//   pure cores           (contract/, control-plane/compile/, agent/core/) import no node:* module;
//   process.env          is read only by the config modules (control-plane/config.ts, agent/config.ts);
//   control-plane/cli/   (the `fleetlb` CLI) imports only contract/ and its own files, and npm
//                        packages: never the server's modules, so it carries none of their dependencies.
import js from '@eslint/js';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

/**
 * `fleetlb/only-imports`: every relative import (static, dynamic, `export … from`) of a file must
 * resolve inside one of `options.allowed` (folders relative to the repository root). Package and
 * `node:` imports are not its business. (no-restricted-imports matches the import's text, not
 * where it leads, so it cannot say "only these folders" from files at different depths.)
 */
const root = dirname(fileURLToPath(import.meta.url));
const onlyImports = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: {
          allowed: { type: 'array', items: { type: 'string' } },
          message: { type: 'string' },
        },
      },
    ],
  },
  create(context) {
    const { allowed, message } = context.options[0];
    const check = (node, source) => {
      if (typeof source !== 'string' || !(source.startsWith('.') || source.startsWith('/'))) return;
      const target = relative(root, resolve(dirname(context.filename), source))
        .split(sep)
        .join('/');
      if (allowed.some((folder) => target === folder || target.startsWith(`${folder}/`))) return;
      context.report({ node, message: `${message} (${source} is ${target})` });
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
const fleetlbPlugin = { rules: { 'only-imports': onlyImports } };
const cliImports = {
  'fleetlb/only-imports': [
    'error',
    {
      allowed: ['contract', 'control-plane/cli'],
      message: 'the CLI imports only contract/ and control-plane/cli/',
    },
  ],
};

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'net', 'http', 'child_process', 'crypto'];
const restrict = (...groups) => ({
  'no-restricted-imports': [
    'error',
    { patterns: groups.map((g) => ({ group: g.group, message: g.message })) },
  ],
});
const notOurs = {
  group: ['**/control-plane/**', '**/agent/**', '**/dashboards/**'],
  message: 'contract/ imports nothing of ours',
};
const toControlPlane = {
  group: ['**/control-plane/**'],
  message: 'agent/ never imports control-plane/',
};
const toAgent = { group: ['**/agent/**'], message: 'control-plane/ never imports agent/' };
const noNode = {
  group: nodeBuiltins,
  message: 'pure core: no Node built-ins here (I/O lives at the edges)',
};

export default tseslint.config(
  {
    ignores: [
      '.cache/**',
      'node_modules/**',
      'migrations/**',
      'deploy/grafana/**',
      '**/dist/**',
      '.fleetlb/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration in config.ts only' },
      ],
    },
  },
  { files: ['contract/**/*.ts'], rules: restrict(notOurs, noNode) },
  { files: ['agent/**/*.ts'], rules: restrict(toControlPlane) },
  { files: ['agent/core/**/*.ts'], rules: restrict(toControlPlane, noNode) },
  { files: ['control-plane/**/*.ts'], rules: restrict(toAgent) },
  { files: ['control-plane/compile/**/*.ts'], rules: restrict(toAgent, noNode) },
  {
    files: ['control-plane/cli/**/*.ts', 'control-plane/bin/fleetlb.js'],
    plugins: { fleetlb: fleetlbPlugin },
    rules: cliImports,
  },
  {
    files: ['**/config.ts', 'test/**', 'bench/**', 'scripts/**', '*.config.*', 'eslint.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
