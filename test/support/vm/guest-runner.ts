/** @module Runs a file of guest tests (test/vm/guest/*.guest.ts) in ONE VM and replays each guest test as a host node:test subtest. */
import type { TestContext, TestOptions } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GUEST_RESULTS_DIR } from './initramfs.js';
import { repoRoot } from './kernel.js';
import { inCI } from '../tier.js';
import { consoleTail, runInVm, type VmOptions, type VmResult } from './qemu.js';

/** One finished guest test as the JSON-lines reporter wrote it, with its subtests. */
export interface GuestTest {
  status: 'pass' | 'fail';
  name: string;
  nesting: number;
  file?: string;
  skip?: string | boolean;
  todo?: string | boolean;
  suite: boolean;
  durationMs: number;
  error?: { failureType?: string; message: string; stack?: string };
  children: GuestTest[];
}

export type GuestRunOptions = Omit<VmOptions, 'command' | 'signal'>;

const REPORTER = fileURLToPath(new URL('./jsonl-reporter.mjs', import.meta.url));
// One node process per guest file, run directly rather than under `node --test`: the runner
// process would start tsx a second time, which costs 2-3 s under TCG.
const GUEST_LOOP =
  'i=0; for f in "$@"; do' +
  ` node --import tsx '--test-reporter=${REPORTER}'` +
  ` --test-reporter-destination=${GUEST_RESULTS_DIR}/report-$i.jsonl` +
  ' --test-reporter=spec --test-reporter-destination=stdout "$f"' +
  ` 2>${GUEST_RESULTS_DIR}/stderr-$i; echo $? > ${GUEST_RESULTS_DIR}/exit-$i; i=$((i + 1)); done`;

/**
 * Rebuilds the test tree from one file's report. node:test reports a test after its subtests,
 * so the finished tests waiting at nesting n + 1 are the children of the next one at n.
 */
export function parseReport(text: string): GuestTest[] {
  const waiting: GuestTest[][] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const test: GuestTest = { ...(JSON.parse(line) as Omit<GuestTest, 'children'>), children: [] };
    test.children = waiting[test.nesting + 1] ?? [];
    waiting[test.nesting + 1] = [];
    (waiting[test.nesting] ??= []).push(test);
  }
  return waiting[0] ?? [];
}

/** The guest's error, shown on the host as if thrown there (message and guest stack). */
function guestError(test: GuestTest): Error {
  const error = new Error(`[guest] ${test.error?.message ?? 'failed'}`);
  if (test.error?.stack !== undefined) error.stack = `[guest] ${test.error.stack}`;
  return error;
}

/**
 * How a guest test is replayed: its skip and todo, except that in CI a skip is a failure, as in
 * every tier (tier.ts) — whatever made the guest skip, the host does not hide it.
 */
export function replayOptions(
  test: Pick<GuestTest, 'skip' | 'todo'>,
  ci = inCI,
): { options: TestOptions; failure?: string } {
  const options: TestOptions = {};
  if (test.todo !== undefined && test.todo !== false) options.todo = test.todo;
  if (test.skip === undefined || test.skip === false) return { options };
  const reason = test.skip === true ? 'no reason given' : test.skip;
  if (ci)
    return {
      options,
      failure: `CI requires every guest test, but the guest skipped it: ${reason}`,
    };
  options.skip = test.skip;
  return { options };
}

async function replay(t: TestContext, test: GuestTest): Promise<void> {
  const { options, failure } = replayOptions(test);
  await t.test(test.name, options, async (sub) => {
    if (failure !== undefined) throw new Error(failure);
    for (const child of test.children) await replay(sub, child);
    // A parent whose subtests failed fails on the host by itself.
    if (test.status === 'fail' && test.error?.failureType !== 'subtestsFailed') {
      throw guestError(test);
    }
  });
}

const tail = (text: string, lines = 20): string =>
  text.trimEnd().split('\n').slice(-lines).join('\n');
const readIfThere = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** Why a guest file's run is a failure beyond its failing tests, or undefined. */
function fileProblem(
  tests: readonly GuestTest[],
  exit: string,
  stderr: string,
): string | undefined {
  const why =
    exit === ''
      ? 'the guest did not finish this file'
      : exit !== '0' && !tests.some((test) => test.status === 'fail')
        ? `the guest test process exited ${exit} without a failing test`
        : tests.length === 0
          ? 'the guest file reported no tests'
          : undefined;
  if (why === undefined) return undefined;
  return stderr.trim() === '' ? why : `${why}\n--- its stderr ---\n${tail(stderr)}`;
}

/**
 * Boots one VM that runs each of `files` (repository-relative or absolute guest test files) with
 * `node --import tsx`, then makes each guest test a subtest of `t` (under one subtest per file
 * when there are several). The host test fails, with the console tail, when the guest crashes,
 * times out or a file reports nothing. Returns the VM result (timings, logs).
 */
export async function runGuestTests(
  t: TestContext,
  files: readonly string[],
  options: GuestRunOptions = {},
): Promise<VmResult> {
  const paths = files.map((f) => (isAbsolute(f) ? f : join(repoRoot, f)));
  const env: Record<string, string> = { ...options.env };
  if (process.env.CI !== undefined) env.CI = process.env.CI;
  const command = ['sh', '-c', GUEST_LOOP, 'guest-runner', ...paths];
  const result = await runInVm({ ...options, env, command, signal: t.signal });
  t.diagnostic(
    `VM ${result.kernelRelease}: command started ${((result.bootMs ?? NaN) / 1000).toFixed(1)} s ` +
      `after qemu, qemu ran ${(result.totalMs / 1000).toFixed(1)} s; console: ${result.consoleLog}`,
  );
  let problem: string | undefined;
  for (const [i, path] of paths.entries()) {
    const tests = parseReport(readIfThere(join(result.resultsDir, `report-${i}.jsonl`)));
    const exit = readIfThere(join(result.resultsDir, `exit-${i}`)).trim();
    const stderr = readIfThere(join(result.resultsDir, `stderr-${i}`));
    const fileProblemText = fileProblem(tests, exit, stderr);
    if (paths.length === 1) {
      for (const test of tests) await replay(t, test);
      problem = fileProblemText;
    } else {
      await t.test(relative(repoRoot, path), async (sub) => {
        for (const test of tests) await replay(sub, test);
        if (fileProblemText !== undefined && exit !== '') throw new Error(fileProblemText);
      });
    }
  }
  const vmProblem = result.timedOut
    ? `the VM timed out after ${options.timeoutMs ?? 300_000} ms`
    : result.exitCode === null
      ? 'the guest stopped without reporting an exit status (crash?)'
      : result.exitCode !== 0
        ? `the guest command exited ${result.exitCode}:\n${tail(result.stderr)}`
        : undefined;
  if (vmProblem !== undefined || problem !== undefined) {
    const why = [vmProblem, problem].filter((p) => p !== undefined).join('\n');
    const stdout =
      vmProblem === undefined ? '' : `--- guest stdout ---\n${tail(result.stdout, 10)}\n`;
    throw new Error(
      `${why}\n${stdout}--- console (${result.consoleLog}) ---\n${consoleTail(result)}`,
    );
  }
  return result;
}
