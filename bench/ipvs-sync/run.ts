/**
 * @module The IPVS connection-sync benchmark (`npm run bench:sync`; see bench/README.md): boots
 * ONE Debian VM (qemu TCG) and runs guest.ts in it: a client holds one TCP connection through the
 * VIP (a line every 100 ms) while the master director is crashed (SIGKILL, link down) or put in
 * maintenance (fleetlb: `director.maintenance: true` in its `--desired` file + SIGHUP; keepalived:
 * its priority lowered to 1 in its file + SIGHUP), with `lvs_sync_daemon` on both directors;
 * fleetlb on both sides and keepalived on both sides in turn. Prints, per handover and pair, the
 * stall the connection saw and the takeover (min / median / max),
 * how many trials the connection survived, and the connection entries the backup held against
 * the master's before the crash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runInVm, vmPrerequisite, consoleTail } from '../../test/support/vm/qemu.js';
import { warmTsxCache } from '../../test/support/vm/tsx-cache.js';
import type { FailoverTrial } from '../../test/vm/guest/lab/sync-lab.js';

const USAGE = `usage: npm run bench:sync -- [--trials 5] [--pairs fleetlb/fleetlb,keepalived/keepalived]
        [--handovers crash,maintenance] [--limit 40]

  --trials N   takeovers per pair (master/backup implementations)
  --pairs      master/backup pairs, fleetlb or keepalived each
  --handovers  crash (SIGKILL + link down), maintenance (planned: priority 1 / resign)
  --limit MIN  hard limit: the VM is killed after this many minutes
`;

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    pairs: { type: 'string', default: 'fleetlb/fleetlb,keepalived/keepalived' },
    handovers: { type: 'string', default: 'crash,maintenance' },
    limit: { type: 'string', default: '40' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const missing = vmPrerequisite(['ip', 'ipvsadm', 'keepalived', 'node']);
if (missing) throw new Error(`cannot boot the VM: ${missing}`);
const build = spawnSync(process.execPath, ['scripts/build-agent.mjs'], { encoding: 'utf8' });
assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}${build.stderr}`);
const tsxCache = warmTsxCache([['bench/ipvs-sync/guest.ts', '--trials', '0']]);
const limitMs = Number(values.limit) * 60_000;
const vm = await runInVm({
  command: [
    process.execPath,
    ...['--import', 'tsx', 'bench/ipvs-sync/guest.ts'],
    ...['--trials', String(Number(values.trials)), '--pairs', values.pairs],
    ...['--handovers', values.handovers],
  ],
  timeoutMs: limitMs,
  memoryMiB: 2048,
  cpus: 1,
  tsxCache,
});
const path = join(vm.resultsDir, 'sync-bench.json');
if (!existsSync(path)) {
  process.stderr.write(`${vm.stderr}\n--- console ---\n${consoleTail(vm)}\n`);
  throw new Error(`the guest wrote no results (exit ${vm.exitCode})`);
}
const trials = JSON.parse(readFileSync(path, 'utf8')) as FailoverTrial[];
process.stderr.write(vm.stderr);
if (vm.exitCode !== 0) {
  // The trials that completed are still reported; the run as a whole failed.
  process.stderr.write(`\nthe guest exited ${vm.exitCode}: INCOMPLETE\n${consoleTail(vm)}\n`);
  process.exitCode = 1;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const median =
    sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `${sorted[0]} / ${median} / ${sorted.at(-1)}`;
};
/** Maintenance: how long both directors held the VIP (lb2's addition until lb1's removal). */
const overlaps = (mine: readonly FailoverTrial[]) => {
  const measured = mine.flatMap((t) => (t.overlapMs === undefined ? [] : [t.overlapMs]));
  return measured.length === 0 ? '-' : stats(measured);
};
const rows = [
  [
    'handover',
    'master/backup',
    'trials',
    'survived',
    'stall ms (min/med/max)',
    'takeover ms (min/med/max)',
    'overlap ms (min/med/max)',
    'conns backup:master',
  ],
];
for (const handover of values.handovers.split(','))
  for (const pair of values.pairs.split(',')) {
    const mine = trials.filter(
      (t) => t.handover === handover && `${t.master}/${t.backup}` === pair,
    );
    if (mine.length === 0) continue;
    rows.push([
      handover,
      pair,
      String(mine.length),
      String(mine.filter((t) => t.survived && t.serversAfter.join() === t.serverBefore).length),
      stats(mine.map((t) => t.stallMs)),
      stats(mine.map((t) => t.takeoverMs)),
      overlaps(mine),
      mine.map((t) => `${t.backupConnections}:${t.masterConnections}`).join(' '),
    ]);
  }
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(
  'IPVS connection sync across an unplanned takeover (SIGKILL + link down) and a planned one (maintenance), qemu TCG guest, advert_int 1 s',
);
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(JSON.stringify(trials.map(({ backupTable: _t, ...f }) => f)));
