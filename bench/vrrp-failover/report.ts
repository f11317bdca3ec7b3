/**
 * @module The failover benchmark's output: per (VRRP version, mode, implementation) the takeover
 * distribution and its excess over the RFC prediction, the bound, fleetlb/keepalived ratio, GARP
 * delay after the transition and dual ownership, as a table; then fleetlb's targets as PASS/FAIL
 * lines. Percentiles are nearest-rank (bench/control-plane/report.ts).
 */
import { percentile } from '../control-plane/report.js';
import type { Timers } from './lab.js';
import type { Impl, Mode, Trial } from './trial.js';

export interface Stats {
  n: number;
  min: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

export function stats(values: readonly (number | null)[]): Stats {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const p = (q: number) => percentile(sorted, q);
  return { n: sorted.length, min: p(0), median: p(50), p90: p(90), p99: p(99), max: p(100) };
}

export interface Summary {
  version: 2 | 3;
  mode: Mode;
  impl: Impl;
  trials: number;
  failed: number;
  takeover: Stats;
  overPred: Stats;
  /** Master_Down_Interval (kill9) or Skew_Time, of d2. */
  boundMs: number;
  /** fleetlb median takeover / keepalived's (fleetlb rows with a keepalived row). */
  ratio: number | null;
  garpAfterTransition: Stats;
  /** Trials with the VIP still on d1 at takeover + max(300 ms, adv/2). */
  d1Vip: number;
  /** Trials in which both d1 and d2 answered the ARP probe. */
  arpBoth: number;
  /** When the VIP left d1 (ms after t0). */
  d1Gone: Stats;
  /** Trials in which d1 still held the VIP when d2 added it (netlink events, or never left). */
  dual: number;
  /** Of those, trials in which it never left d1 by itself (until the restart). */
  stuck: number;
  /** How long both held it (d1 delete − d2 add, ms), in the trials where it did leave. */
  overlap: Stats;
}

export function summarize(trials: readonly Trial[], timers: Map<number, Timers>): Summary[] {
  const groups = new Map<string, Trial[]>();
  for (const t of trials) {
    const key = `${t.version} ${t.mode} ${t.impl}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const out = [...groups.values()].map((group): Summary => {
    const { version, mode, impl } = group[0]!;
    const ok = group.filter((t) => t.error === undefined);
    const tm = timers.get(version)!;
    return {
      version,
      mode,
      impl,
      trials: group.length,
      failed: group.length - ok.length,
      takeover: stats(ok.map((t) => t.takeoverMs)),
      overPred: stats(ok.map((t) => t.overPredMs)),
      boundMs: mode === 'kill9' ? tm.masterDownMs : tm.skewMs,
      ratio: null,
      garpAfterTransition: stats(ok.map((t) => t.garpAfterTransitionMs)),
      d1Vip: ok.filter((t) => t.d1Vip === true).length,
      arpBoth: ok.filter((t) =>
        ['d1@', 'd2@'].every((h) => t.arpRepliers.some((r) => r.startsWith(h))),
      ).length,
      d1Gone: stats(ok.map((t) => t.d1GoneMs)),
      dual: ok.filter((t) => (t.gapMs !== null && t.gapMs < 0) || isStuck(t)).length,
      stuck: ok.filter(isStuck).length,
      overlap: stats(ok.map((t) => (t.gapMs !== null && t.gapMs < 0 ? -t.gapMs : null))),
    };
  });
  for (const s of out) {
    const other = out.find(
      (o) => o.impl === 'keepalived' && o.version === s.version && o.mode === s.mode,
    );
    if (s.impl === 'fleetlb' && other) s.ratio = s.takeover.median / other.takeover.median;
  }
  const order = (s: Summary) =>
    s.version * 100 +
    ['kill9', 'term', 'kill9-agent'].indexOf(s.mode) * 10 +
    (s.impl === 'fleetlb' ? 0 : 1);
  return out.sort((a, b) => order(a) - order(b));
}

/** The VIP stayed on d1 after the takeover and never left by itself. */
const isStuck = (t: Trial) => t.d1GoneMs === null && t.d1Vip === true;

const f1 = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(1));
const five = (s: Stats) => [s.min, s.median, s.p90, s.p99, s.max].map(f1).join(' / ');

/** `dual/n`, then how long: "until restart" or the overlap's median / max. */
function dualCell(s: Summary): string {
  const n = `${s.dual}/${s.takeover.n}`;
  if (s.stuck > 0) return `${n}, ${s.stuck} until restart`;
  return s.overlap.n > 0 ? `${n}, ${f1(s.overlap.median)} / ${f1(s.overlap.max)}` : n;
}

export function summaryTable(summaries: readonly Summary[]): string {
  const header = [
    'VRRP',
    'mode',
    'impl',
    'n',
    'takeover ms min / med / p90 / p99 / max',
    'takeover − pred ms min / med / p90 / p99 / max',
    'bound ms',
    'ratio',
    'GARP − trans ms med / max',
    'd1 VIP +300ms',
    'ARP d1+d2',
    'dual: trials, ms med / max',
    'VIP left d1 ms med / max',
  ];
  const rows = summaries.map((s) => [
    s.version === 2 ? 'v2 1 s' : 'v3 0.1 s',
    s.mode,
    s.impl,
    s.failed ? `${s.takeover.n} (${s.failed} failed)` : String(s.takeover.n),
    five(s.takeover),
    five(s.overPred),
    f1(s.boundMs),
    s.ratio === null ? '' : s.ratio.toFixed(3),
    `${f1(s.garpAfterTransition.median)} / ${f1(s.garpAfterTransition.max)}`,
    `${s.d1Vip}/${s.takeover.n}`,
    `${s.arpBoth}/${s.takeover.n}`,
    dualCell(s),
    s.d1Gone.n === 0 ? 'never' : `${f1(s.d1Gone.median)} / ${f1(s.d1Gone.max)}`,
  ]);
  return table(header, rows);
}

/** The per-trial columns, described in bench/README.md ("One trial"). */
const TRIAL_COLUMNS: Array<[string, (t: Trial) => number | null]> = [
  ['vip_ms', (t) => t.takeoverMs],
  ['state_ms', (t) => t.stateMs],
  ['garp_ms', (t) => t.garpMs],
  ['garp-st', (t) => t.garpAfterTransitionMs],
  ['adv_ms', (t) => t.advMs],
  ['phase_ms', (t) => t.phaseMs],
  ['pred_ms', (t) => t.predMs],
  ['vip-pred', (t) => t.overPredMs],
  ['prio0_ms', (t) => t.prio0Ms],
  ['exit_ms', (t) => t.exitMs],
  ['d1gone', (t) => t.d1GoneMs],
  ['gap_ms', (t) => t.gapMs],
  ['restore', (t) => t.restoreMs],
];

export const trialHeader = (): string =>
  `  # impl       mode        ${TRIAL_COLUMNS.map(([h]) => h.padStart(8)).join(' ')} d1_vip arp_repliers`;

export function trialRow(t: Trial): string {
  const cells = TRIAL_COLUMNS.map(([, get]) => get(t)).map((v) =>
    (v === null ? 'NA' : v.toFixed(1)).padStart(8),
  );
  const vip = t.d1Vip === null ? 'NA' : t.d1Vip ? 'yes' : 'no';
  const error = t.error === undefined ? '' : `  ERROR ${t.error}`;
  return `${String(t.trial).padStart(3)} ${t.impl.padEnd(10)} ${t.mode.padEnd(11)} ${cells.join(' ')} ${vip.padStart(6)} ${t.arpRepliers.join(',') || '-'}${error}`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export interface Target {
  pass: boolean;
  text: string;
}

/** fleetlb's targets, one line per (version, mode). */
export function targets(summaries: readonly Summary[], timers: Map<number, Timers>): Target[] {
  const out: Target[] = [];
  for (const s of summaries.filter((x) => x.impl === 'fleetlb' && x.takeover.n > 0)) {
    const at = `v${s.version} ${s.mode}`;
    const ok = s.failed === 0;
    out.push({
      pass: ok && s.takeover.p99 <= s.boundMs + 20,
      text: `${at}: takeover p99 ${f1(s.takeover.p99)} ms ≤ bound ${f1(s.boundMs)} + 20 ms${ok ? '' : ` (${s.failed} trials failed)`}`,
    });
    const ka = summaries.find(
      (k) => k.impl === 'keepalived' && k.version === s.version && k.mode === s.mode,
    );
    if (ka && ka.takeover.n > 0) {
      out.push({
        pass: s.overPred.median <= ka.overPred.median,
        text: `${at}: no slower than keepalived: median takeover − pred ${f1(s.overPred.median)} ms ≤ keepalived ${f1(ka.overPred.median)} ms (raw medians ${f1(s.takeover.median)} vs ${f1(ka.takeover.median)} ms, ratio ${s.ratio?.toFixed(3)})`,
      });
    }
    const g = s.garpAfterTransition;
    out.push({
      pass: g.n === s.takeover.n && g.max <= 5,
      text: `${at}: first GARP ≤ 5 ms after the transition: max ${f1(g.max)} ms (${g.n}/${s.takeover.n} GARPs seen)`,
    });
    if (s.mode === 'kill9-agent') {
      const skew = timers.get(s.version)!.skewMs;
      out.push({
        pass: ok && s.takeover.max <= skew + 50,
        text: `${at}: takeover ≤ Skew_Time ${f1(skew)} + 50 ms: max ${f1(s.takeover.max)} ms`,
      });
    }
  }
  return out;
}
