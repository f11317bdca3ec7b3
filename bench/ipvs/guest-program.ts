/** @module Measurement 1 in the guest: programming N × M from empty, ours (after an `applyWindow` sweep) against ipvsadm-restore and `ipvsadm -R`, plus process start and a run with the destination trash still full. */
import { writeFileSync } from 'node:fs';
import { plan } from '../../agent/core/ipvs/plan.js';
import { renderRules } from '../../agent/core/ipvs/ipvsadm-text.js';
import { encodeNewDestination, encodeNewService } from '../../agent/core/ipvs/codec.js';
import type { DesiredService, IpvsTable } from '../../agent/core/ipvs/model.js';
import type { IpvsOp } from '../../agent/core/ipvs/operations.js';
import { log } from './guest-log.js';
import { checkKernelTable, resetIpvs, run, timeCommand } from './guest-ipvsadm.js';
import { EMPTY, planOptions, programOurs } from './guest-ours.js';
import { DEFAULT_APPLY_WINDOW, type Cost, type GuestConfig, type ProgramResults } from './types.js';

const RULES_FILE = '/tmp/ipvs-bench-rules.txt';

/** Every request of a from-empty plan encoded once (the JS encode cost alone, no I/O). */
function encodeAll(ops: readonly IpvsOp[]): number {
  const t0 = performance.now();
  for (const op of ops) {
    if (op.type === 'add-service') encodeNewService(op.service);
    else if (op.type === 'add-destination') encodeNewDestination(op.service, op.destination);
  }
  return performance.now() - t0;
}

/** One warm-up run, then `applyWindow` values once each; the fastest is used for the measured runs. */
async function sweepWindows(
  desired: IpvsTable<DesiredService>,
  windows: readonly number[],
): Promise<ProgramResults['sweep']> {
  const sweep: ProgramResults['sweep'] = [];
  resetIpvs();
  const warmUp = await programOurs(desired, DEFAULT_APPLY_WINDOW);
  log(`warm-up run (JIT, page cache), not recorded: ${warmUp.cost.wallMs.toFixed(0)} ms`);
  for (const window of windows) {
    resetIpvs();
    const { cost } = await programOurs(desired, window);
    log(`applyWindow ${window}: ${cost.wallMs.toFixed(0)} ms`);
    sweep.push({ window, cost });
  }
  return sweep;
}

/** R trials of ours, ipvsadm-restore and ipvsadm -R, each from an empty, freshly loaded IPVS. */
async function programTrials(
  desired: IpvsTable<DesiredService>,
  config: GuestConfig,
  program: ProgramResults,
): Promise<void> {
  for (let trial = 1; trial <= config.trials; trial++) {
    resetIpvs();
    const ours = await programOurs(desired, program.window);
    program.ours.push(ours.cost);
    program.planMs.push(ours.planMs);
    if (trial === 1) checkKernelTable(desired, 'our client');
    resetIpvs();
    program.restore.push(timeCommand(['ipvsadm-restore'], RULES_FILE));
    if (trial === 1) checkKernelTable(desired, 'ipvsadm-restore');
    resetIpvs();
    program.ipvsadmR.push(timeCommand(['ipvsadm', '-R'], RULES_FILE));
    const last = (costs: readonly Cost[]): string => costs.at(-1)!.wallMs.toFixed(0);
    log(
      `programming trial ${trial}/${config.trials}: ours ${last(program.ours)} ms, ` +
        `ipvsadm-restore ${last(program.restore)} ms, ipvsadm -R ${last(program.ipvsadmR)} ms`,
    );
  }
}

/** Measurement 1: programming N × M from empty, ours against ipvsadm. */
export async function measureProgramming(
  desired: IpvsTable<DesiredService>,
  config: GuestConfig,
): Promise<ProgramResults> {
  const { ops } = plan(EMPTY, desired, planOptions([]));
  const rules = renderRules(desired);
  writeFileSync(RULES_FILE, rules);
  const sweep = await sweepWindows(desired, config.windows);
  const fastest = [...sweep].sort((a, b) => a.cost.wallMs - b.cost.wallMs)[0];
  const program: ProgramResults = {
    ops: ops.length,
    rulesBytes: rules.length,
    encodeMs: encodeAll(ops),
    sweep,
    window: fastest?.window ?? DEFAULT_APPLY_WINDOW,
    ours: [],
    planMs: [],
    restore: [],
    ipvsadmR: [],
    restoreEmpty: [],
    ipvsadmREmpty: [],
    trashWarm: undefined,
  };
  log(`${ops.length} ops, rules ${rules.length} bytes; measured runs use window ${program.window}`);
  await programTrials(desired, config, program);
  resetIpvs();
  for (let i = 0; i < config.trials; i++) {
    program.restoreEmpty.push(timeCommand(['ipvsadm-restore']));
    program.ipvsadmREmpty.push(timeCommand(['ipvsadm', '-R']));
  }
  program.trashWarm = await trashWarmRuns(desired, program.window);
  return program;
}

/** One run each straight after `ipvsadm -C` alone, the flushed destinations still in the trash. */
async function trashWarmRuns(
  desired: IpvsTable<DesiredService>,
  window: number,
): Promise<ProgramResults['trashWarm']> {
  resetIpvs();
  await programOurs(desired, window);
  run(['ipvsadm', '-C']);
  const ours = (await programOurs(desired, window)).cost;
  run(['ipvsadm', '-C']);
  const restore = timeCommand(['ipvsadm-restore'], RULES_FILE);
  log(
    `after ipvsadm -C only: ours ${ours.wallMs.toFixed(0)} ms, restore ${restore.wallMs.toFixed(0)} ms`,
  );
  return { ours, restore };
}
