// Lint: typescript-eslint's recommended rules plus the import boundaries that keep the layers
// honest (DESIGN.md "The pieces"):
//   contract/            imports nothing of ours, and no node:* (it runs on both sides);
//   agent/ ↮ control-plane/  never import each other;
//   pure cores           (contract/, control-plane/compile/, agent/core/) import no node:* module;
//   process.env          is read only by the config modules (control-plane/config.ts, agent/config.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['**/config.ts', 'test/**', 'bench/**', 'scripts/**', '*.config.*', 'eslint.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
