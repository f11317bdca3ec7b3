// The one test command: every *.test.ts under test/ (or under the paths given), each file in its
// own process, through Node's test runner with tsx; the VM tier last, one file at a time. `npm test -- test/contract` runs a subset.
// Tiers that need privileges or services decide for themselves (test/support/tier.ts): they skip
// with a reason on a developer machine and fail in CI (CI=true) when a prerequisite is missing.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(path, out) {
  if (statSync(path).isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  return out;
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (roots.length > 0 ? roots : ['test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.FLEETLB_TEST_CONCURRENCY ?? '2';
// The VM tier runs after the rest, one file at a time: each file boots a qemu guest under TCG,
// and two guests (or a guest beside the host tests) on two cores slow each other down enough to
// distort what the end-to-end suite times.
const isVm = (file) => file.split(/[\\/]/).includes('vm');
const phases = [
  { files: files.filter((f) => !isVm(f)), concurrency },
  { files: files.filter(isVm), concurrency: '1' },
].filter((phase) => phase.files.length > 0);
// Lab tiers run the agent as it ships: agent/bin runs dist/agent/ while it is current (tsx
// otherwise), and a bundle starts with a third of the CPU the TypeScript sources need, which
// matters when a file starts a dozen agents on a busy machine. Built once here, before any file
// runs: files building it in parallel would rewrite it under an agent that is loading it.
const isLab = (file) => file.split(/[\\/]/).some((part) => part === 'netns' || part === 'vm');
if (files.some(isLab)) {
  const build = spawnSync(process.execPath, ['scripts/build-agent.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
let status = 0;
for (const phase of phases) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      '--test-reporter=spec',
      ...phase.files,
    ],
    { stdio: 'inherit' },
  );
  if ((result.status ?? 1) !== 0) status = result.status ?? 1;
}
process.exit(status);
