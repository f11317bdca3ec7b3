/**
 * @module The VRRP failover benchmark (`npm run bench:vrrp`; see bench/README.md): fleetlb and
 * keepalived side by side in one lab (lab.ts), measured the same way: the takeover is the time
 * from the signal that fails d1 (t0) until the VIP appears on d2 (`ip monitor` netlink event),
 * with adverts and GARPs timed from a capture on the bridge (trial.ts, bench/README.md). Per VRRP
 * version, implementation and failure mode, N trials, interleaved across modes. Progress and
 * per-trial rows go to stderr; the summary table, the target lines and, on its last line, the
 * JSON go to stdout (or the JSON to --json FILE).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labPrerequisite } from '../../test/support/netns-lab.js';
import { machineBusyCores, machineCpu, rounded } from '../control-plane/report.js';
import { FailoverLab, timersFor, type Timers } from './lab.js';
import { FleetlbPair } from './fleetlb.js';
import { KeepalivedPair } from './keepalived.js';
import { summarize, summaryTable, targets, trialHeader, trialRow } from './report.js';
import {
  failedTrial,
  MODES,
  runTrial,
  type Impl,
  type Mode,
  type Pair,
  type Trial,
} from './trial.js';

const USAGE = `usage: npm run bench:vrrp -- [--trials 10] [--versions 2,3] [--impl fleetlb,keepalived]
        [--modes kill9,term,kill9-agent] [--json FILE]

  --trials N   trials per (version, implementation, mode)
  --versions   2 = VRRPv2 with 1 s adverts, 3 = VRRPv3 with 0.1 s adverts
  --impl       fleetlb, keepalived or both
  --modes      kill9 (every process), term (SIGTERM), kill9-agent (fleetlb's agent only)
  --json FILE  write the JSON results to FILE instead of stdout's last line
`;
/** The whole run is stopped after this long, whatever it is doing. */
const HARD_LIMIT_MS = 40 * 60_000;

/** `Keepalived v2.2.7 (01/16,2022)` (keepalived prints it on stderr). */
function keepalivedVersion(): string {
  const out = spawnSync('keepalived', ['--version'], { encoding: 'utf8' });
  return `${out.stderr}${out.stdout}`.split('\n')[0] ?? '';
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function list<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').map((s) => s.trim()) as T[];
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length > 0 || items.length === 0)
    throw new Error(`--${flag}: one or more of ${allowed.join(',')}`);
  return [...new Set(items)];
}

function options() {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '10' },
      versions: { type: 'string', default: '2,3' },
      impl: { type: 'string', default: 'fleetlb,keepalived' },
      modes: { type: 'string', default: MODES.join(',') },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1 || trials > 200)
    throw new Error('--trials: 1 to 200');
  return {
    trials,
    versions: list(values.versions, ['2', '3'], 'versions').map(Number) as (2 | 3)[],
    impls: list<Impl>(values.impl, ['fleetlb', 'keepalived'], 'impl'),
    modes: list<Mode>(values.modes, MODES, 'modes'),
    json: values.json,
  };
}

async function runImpl(
  fl: FailoverLab,
  pair: Pair,
  timers: Timers,
  opts: NonNullable<ReturnType<typeof options>>,
  trials: Trial[],
): Promise<void> {
  const modes = opts.modes.filter((m) => pair.modes.includes(m));
  if (modes.length === 0) return;
  log(`v${timers.version} ${pair.impl}: starting d1 and d2; modes ${modes.join(', ')} interleaved`);
  await pair.start();
  try {
    for (let i = 1; i <= opts.trials; i++) {
      for (const mode of modes) {
        let trial: Trial;
        try {
          trial = await runTrial(fl, pair, timers, mode, i);
        } catch (error) {
          const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          trial = failedTrial(pair.impl, timers.version, mode, i, message);
          log(`trial failed (${message}); restarting both directors`);
          await pair.stop();
          await pair.start();
        }
        trials.push(trial);
        process.stderr.write(`${trialRow(trial)}\n`);
      }
    }
  } finally {
    await pair.stop();
  }
}

async function main(): Promise<void> {
  const opts = options();
  if (!opts) return void process.stdout.write(USAGE);
  const missing = labPrerequisite(
    opts.impls.includes('keepalived') ? ['tshark', 'keepalived'] : ['tshark'],
  );
  if (missing) throw new Error(`cannot run the lab: ${missing}`);
  // The keepalived helper and tshark put their files in TMPDIR: keep them in the run's directory.
  const agentEnv = { ...process.env };
  const workDir = mkdtempSync(join(tmpdir(), 'fleetlb-bench-vrrp-'));
  process.env.TMPDIR = workDir;
  const started = new Date();
  const cpu = machineCpu();
  const fl = await FailoverLab.start(Math.ceil(HARD_LIMIT_MS / 1000) + 60).catch((error) => {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    await fl.stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  };
  const limit = setTimeout(() => {
    log(`hard limit of ${HARD_LIMIT_MS / 60_000} min reached; stopping`);
    void stop().finally(() => process.exit(1));
  }, HARD_LIMIT_MS).unref();
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  const trials: Trial[] = [];
  const timers = new Map(opts.versions.map((v) => [v, timersFor(v)] as const));
  try {
    for (const version of opts.versions) {
      const tm = timers.get(version)!;
      log(
        `VRRPv${version} advert ${tm.advMs} ms: d2 skew ${tm.skewMs.toFixed(1)} ms, Master_Down_Interval ${tm.masterDownMs.toFixed(1)} ms; ${opts.trials} trials per mode`,
      );
      process.stderr.write(`${trialHeader()}\n`);
      for (const impl of opts.impls) {
        const pair =
          impl === 'fleetlb'
            ? new FleetlbPair(fl, tm, workDir, agentEnv)
            : new KeepalivedPair(fl, tm);
        await runImpl(fl, pair, tm, opts, trials);
      }
    }
  } finally {
    clearTimeout(limit);
    await stop();
  }
  const summaries = summarize(trials, timers);
  const results = targets(summaries, timers);
  const busy = machineBusyCores(cpu);
  const durationS = (Date.now() - started.getTime()) / 1000;
  process.stdout.write(`${summaryTable(summaries)}\n\n`);
  for (const t of results) process.stdout.write(`${t.pass ? 'PASS' : 'FAIL'}  ${t.text}\n`);
  process.stdout.write(
    `\n${trials.length} trials in ${durationS.toFixed(0)} s; machine ${busy.toFixed(2)} cores busy on average\n`,
  );
  const json = JSON.stringify(
    rounded({
      startedAt: started.toISOString(),
      durationS,
      machineBusyCores: busy,
      options: opts,
      keepalived: opts.impls.includes('keepalived') ? keepalivedVersion() : null,
      timers: Object.fromEntries(timers),
      summaries,
      targets: results,
      trials,
    }),
  );
  if (opts.json) writeFileSync(opts.json, `${json}\n`);
  else process.stdout.write(`${json}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
