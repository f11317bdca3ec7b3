/**
 * @module One failover trial, the same for both implementations (bench/README.md): with
 * d1 MASTER and d2 BACKUP holding nothing, sleep 3×adv + U(0, adv) so the failure lands at a
 * random phase of the advert cycle, take t0 (wall clock) and fail d1; then read, relative to t0,
 * the VIP's arrival on d2 (`ip monitor`), d2's transition, the first GARP and advert from d2 and the
 * last advert from d1 (tshark), whether d1 still holds the VIP a moment after the takeover (and
 * who answers ARP for it), and when it left d1. Then d1 is restarted and preempts back.
 */
import { readFileSync } from 'node:fs';
import { sleep, until, wallNow, type Frame } from './capture.js';
import { DIRECTORS, VIP, type FailoverLab, type Timers } from './lab.js';

export type Impl = 'fleetlb' | 'keepalived';
/** kill9: every process of d1's implementation; term: SIGTERM; kill9-agent: fleetlb's agent only. */
export type Mode = 'kill9' | 'term' | 'kill9-agent';
export const MODES: readonly Mode[] = ['kill9', 'term', 'kill9-agent'];

/** An implementation running on d1 and d2. */
export interface Pair {
  readonly impl: Impl;
  readonly modes: readonly Mode[];
  /** Starts both directors; resolves once d1 is MASTER and d2 BACKUP. */
  start(): Promise<void>;
  /** Fails d1 in `mode` and returns t0, the wall clock right before the first signal. */
  fail(mode: Mode): number;
  /** When d2 became MASTER at or after `afterMs` (wall ms), per its own report. */
  d2Master(afterMs: number, timeoutMs: number): Promise<number | undefined>;
  /** When the bench saw d1's (main) process exit, wall ms (undefined while it runs). */
  d1ExitedAt(): number | undefined;
  /** How long after t0 the VIP may take to leave d1 by itself in `mode` (0: it does not). */
  d1ReleaseWaitMs(mode: Mode): number;
  /** Restarts d1 once its old processes are gone; resolves when d1 is MASTER and d2 BACKUP. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

/** One trial's figures; times in ms after t0, null when not observed. */
export interface Trial {
  impl: Impl;
  version: 2 | 3;
  mode: Mode;
  trial: number;
  t0: number;
  sleepMs: number;
  /** VIP added on d2 (netlink event): the takeover. */
  takeoverMs: number | null;
  /** d2's MASTER transition (fleetlb: wallMs of the timer / advert; keepalived: fifo line). */
  stateMs: number | null;
  /** First GARP for the VIP from d2's MAC on the bridge. */
  garpMs: number | null;
  garpAfterTransitionMs: number | null;
  /** First advert (priority > 0) from d2. */
  advMs: number | null;
  /** t0 minus d1's last advert (priority > 0) before d2's takeover; < 0 if it left after t0. */
  phaseMs: number | null;
  /** RFC prediction: kill9 3×adv + skew − phase; otherwise skew. */
  predMs: number | null;
  overPredMs: number | null;
  /** First priority-0 advert from d1. */
  prio0Ms: number | null;
  /** VIP deleted on d1 (netlink event). */
  d1GoneMs: number | null;
  /** d1's agent / keepalived parent reaped, as seen by the bench (ms resolution). */
  exitMs: number | null;
  /** d2 add minus d1 delete: > 0 nobody held the VIP that long, < 0 both did. */
  gapMs: number | null;
  /** VIP still on d1 at takeover + max(300 ms, adv / 2). */
  d1Vip: boolean | null;
  arpRepliers: string[];
  restoreMs: number | null;
  error?: string;
}

/** Whether `pid` is a live process (a zombie counts as dead: pid 1 here reaps late). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

/** A trial that threw before it could measure. */
export function failedTrial(
  impl: Impl,
  version: 2 | 3,
  mode: Mode,
  trial: number,
  error: string,
): Trial {
  const none = { takeoverMs: null, stateMs: null, garpMs: null, garpAfterTransitionMs: null };
  const more = { advMs: null, phaseMs: null, predMs: null, overPredMs: null, prio0Ms: null };
  const rest = { d1GoneMs: null, exitMs: null, gapMs: null, d1Vip: null, restoreMs: null };
  return {
    impl,
    version,
    mode,
    trial,
    t0: 0,
    sleepMs: 0,
    ...none,
    ...more,
    ...rest,
    arpRepliers: [],
    error,
  };
}

const since = (t0: number, at: number | undefined): number | null =>
  at === undefined ? null : at - t0;

export async function runTrial(
  fl: FailoverLab,
  pair: Pair,
  timers: Timers,
  mode: Mode,
  trial: number,
): Promise<Trial> {
  const { advMs, skewMs, masterDownMs } = timers;
  const { d1, d2 } = DIRECTORS;
  const ready = await until(() => (fl.vipOn('d1') && !fl.vipOn('d2')) || undefined, 3000);
  if (!ready) throw new Error('precondition: the VIP is not on d1 only');
  const sleepMs = 3 * advMs + Math.random() * advMs;
  await sleep(sleepMs);

  const t0 = pair.fail(mode);
  const bound = mode === 'kill9' ? masterDownMs : skewMs;
  const stateAt = await pair.d2Master(t0, bound + 3000);
  const add = await until(() => fl.monitors.d2.first(t0, VIP, false), 1000);
  let d1Vip: boolean | null = null;
  let probeAt: number | undefined;
  if (add) {
    await sleep(add.wallMs + Math.max(300, advMs / 2) - wallNow());
    d1Vip = fl.vipOn('d1');
    probeAt = await fl.sendArpProbe();
  }
  const releaseWait = pair.d1ReleaseWaitMs(mode);
  const gone = await until(
    () => fl.monitors.d1.first(t0, VIP, true),
    releaseWait === 0 ? 0 : Math.max(0, t0 + releaseWait - wallNow()),
  );

  const isGarp = (f: Frame) =>
    f.ethSrc === d2.mac && f.arpSender === VIP && f.arpTarget === VIP && f.arpOp !== undefined;
  const garp = await until(() => fl.wire.first(t0, isGarp), 3000);
  const adv = fl.wire.first(t0, (f) => f.ipSrc === d2.address && (f.prio ?? 0) > 0);
  // d1's last advert before d2 took over: one can leave after t0, while the kill is delivered,
  // and it restarts d2's Master_Down_Timer (then phase < 0).
  const lastBy = add?.wallMs ?? t0;
  const last = fl.wire.lastBefore(lastBy, (f) => f.ipSrc === d1.address && (f.prio ?? 0) > 0);
  const prio0 = fl.wire.first(t0, (f) => f.ipSrc === d1.address && f.prio === 0);
  const phaseMs = last === undefined ? null : t0 - last.wallMs;
  const predMs = mode !== 'kill9' ? skewMs : phaseMs === null ? null : masterDownMs - phaseMs;
  const takeoverMs = since(t0, add?.wallMs);
  const exitedAt = pair.d1ExitedAt();

  const restoreStart = wallNow();
  await pair.restore();
  await until(() => (fl.vipOn('d1') && !fl.vipOn('d2')) || undefined, 5000);
  const arpRepliers = probeAt === undefined ? [] : await fl.arpRepliers(probeAt);
  return {
    impl: pair.impl,
    version: timers.version,
    mode,
    trial,
    t0,
    sleepMs,
    takeoverMs,
    stateMs: since(t0, stateAt),
    garpMs: since(t0, garp?.wallMs),
    garpAfterTransitionMs:
      garp === undefined || stateAt === undefined ? null : garp.wallMs - stateAt,
    advMs: since(t0, adv?.wallMs),
    phaseMs,
    predMs,
    overPredMs: takeoverMs === null || predMs === null ? null : takeoverMs - predMs,
    prio0Ms: since(t0, prio0?.wallMs),
    d1GoneMs: since(t0, gone?.wallMs),
    exitMs: since(t0, exitedAt),
    gapMs: add && gone ? add.wallMs - gone.wallMs : null,
    d1Vip,
    arpRepliers,
    restoreMs: wallNow() - restoreStart,
  };
}
