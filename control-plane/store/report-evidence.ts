/**
 * @module What a director's latest report is still worth (pure): the rules by which the fleet
 * views turn reports into VRRP masters, split brain and no master without crying wolf.
 *
 * - **Freshness.** An agent reports at least every `agent.reportIntervalMs` (5 s by default) and
 *   soon after every change. Its report is fresh for twice that plus `STALE_MARGIN_MS` (one lost
 *   report and the delivery are tolerated); after that the director is `stale` and each of its
 *   claims is `unknown`, never a master. A report that does not declare its interval counts
 *   `DEFAULT_REPORT_INTERVAL_MS`.
 * - **A clean stop is final.** The last report of an agent that stopped cleanly (`agent.state:
 *   stopped`: masterships resigned, VIPs released) does not age: the director is `stopped` and
 *   claims nothing until its agent reports again.
 * - **A takeover supersedes older claims.** A backup becomes master only after it stopped hearing
 *   the master (Master_Down_Interval, 3 × the advert interval + Skew_Time) or heard it resign
 *   (priority 0), or to preempt a lower-priority master (RFC 9568 §6.4.2, §6.4.3). So a member's
 *   mastership claim made *before* another member's fresh report says it became master is no
 *   longer evidence: that member is `unknown` until it reports again. A kill -9'd master is
 *   thus `unknown` as soon as its backup has reported the takeover (its crash guard resigns at
 *   once; without the guard its VIP lease of ⌈Master_Down_Interval⌉ runs out about when the
 *   backup takes over). A real split brain shows at the next report of the old master, which
 *   reports at least every interval: then both claims are newer than both takeovers.
 * - **A planned hand-over is not a split brain.** A master in maintenance keeps its VIPs until
 *   the new master has advertised twice (agent/core/vrrp/maintenance.ts, make before break) and
 *   reports `handingOver` meanwhile. While another counting master does not hand over, the one
 *   handing over stays `master` as a member (it owns the VIPs) but its mastership no longer
 *   counts in `masters`: it is on its way out.
 *
 * Times reported by an agent (`since`) are moved to the control plane's clock with the report's
 * `sentAt` (the offset between the agent's clock and the control plane's at delivery).
 */
import type { AgentStatus, VrrpState } from '../../contract/index.js';

/** The agent's default report interval (agent/runtime/status-reporter.ts). */
export const AGENT_REPORT_INTERVAL_MS = 5_000;
/** The interval of a report that does not declare one (agents before the field reported every 15 s). */
export const DEFAULT_REPORT_INTERVAL_MS = 15_000;
/** Delivery, scheduling and clock-reading slack on top of two report intervals. */
export const STALE_MARGIN_MS = 2_000;

/** The latest report of one director, as stored. */
export interface DirectorReport {
  reportedAt: Date;
  appliedRevision: number | null;
  report: AgentStatus;
}

export interface Freshness {
  /** When the director last reported (null: never). */
  reportedAt: string | null;
  /** When that report stops counting (null: never reported, or a final report). */
  staleAt: string | null;
  /** No report, or a running agent's report older than its freshness. */
  stale: boolean;
  /** The latest report is the last one of an agent that stopped cleanly. */
  stopped: boolean;
}

/** The moment a report goes stale: two report intervals and the margin after it arrived. */
export function staleAt(latest: DirectorReport): Date {
  const intervalMs = latest.report.agent.reportIntervalMs ?? DEFAULT_REPORT_INTERVAL_MS;
  return new Date(latest.reportedAt.getTime() + 2 * intervalMs + STALE_MARGIN_MS);
}

export function freshnessOf(latest: DirectorReport | undefined, now: Date): Freshness {
  if (latest === undefined) return { reportedAt: null, staleAt: null, stale: true, stopped: false };
  const reportedAt = latest.reportedAt.toISOString();
  if (latest.report.agent.state === 'stopped')
    return { reportedAt, staleAt: null, stale: false, stopped: true };
  const until = staleAt(latest);
  return {
    reportedAt,
    staleAt: until.toISOString(),
    stale: now.getTime() > until.getTime(),
    stopped: false,
  };
}

/** An agent's timestamp on the control plane's clock (milliseconds since the epoch). */
export function onControlPlaneClock(latest: DirectorReport, agentTime: string): number {
  const sentAt = latest.report.sentAt;
  const offsetMs = sentAt === undefined ? 0 : latest.reportedAt.getTime() - Date.parse(sentAt);
  return Date.parse(agentTime) + offsetMs;
}

export type MemberState = VrrpState | 'unknown' | 'stopped';

export interface MemberEvidence extends Freshness {
  director: string;
  /** What the evidence supports now (see the module comment). */
  state: MemberState;
  /** What the latest report said, however old (null: it did not mention the instance). */
  reportedState: VrrpState | null;
  /** A mastership claim overtaken by another member's later takeover. */
  superseded: boolean;
  priority: number | null;
  since: string | null;
  /** The VIPs of a member whose mastership counts; none otherwise. */
  vipsOwned: string[];
  /**
   * A master that reports handing over for maintenance (it still owns the VIPs); it counts in
   * `masters` only while no other master does not hand over.
   */
  handingOver?: true;
}

export interface InstanceEvidence {
  members: MemberEvidence[];
  /** Members whose mastership counts. */
  masters: string[];
  splitBrain: boolean;
  noMaster: boolean;
}

/** Weighs the members' reports about one VRRP instance at `now`. */
export function weighInstance(
  instance: string,
  members: readonly { director: string; latest: DirectorReport | undefined }[],
  now: Date,
): InstanceEvidence {
  const weighed = members.map(({ director, latest }) => {
    const freshness = freshnessOf(latest, now);
    const entry = latest?.report.vrrp.find((v) => v.instance === instance);
    const counts = latest !== undefined && !freshness.stale && !freshness.stopped;
    const masterClaim = counts && entry?.state === 'master';
    return { director, latest, entry, freshness, counts, masterClaim };
  });
  /** When each counting master became master, on the control plane's clock. */
  const takeovers = weighed
    .filter((m) => m.masterClaim)
    .map((m) => ({ director: m.director, atMs: onControlPlaneClock(m.latest!, m.entry!.since) }));
  const result = weighed.map((m): MemberEvidence => {
    const superseded =
      m.masterClaim &&
      takeovers.some((t) => t.director !== m.director && t.atMs > m.latest!.reportedAt.getTime());
    const state: MemberState = m.freshness.stopped
      ? 'stopped'
      : !m.counts || m.entry === undefined || superseded
        ? 'unknown'
        : m.entry.state;
    return {
      director: m.director,
      state,
      reportedState: m.entry?.state ?? null,
      superseded,
      priority: m.entry?.priority ?? null,
      since: m.entry?.since ?? null,
      vipsOwned: state === 'master' ? (m.entry?.vipsOwned ?? []) : [],
      ...(state === 'master' && m.entry?.handingOver === true
        ? { handingOver: true as const }
        : {}),
      ...m.freshness,
    };
  });
  const claims = result.filter((m) => m.state === 'master');
  const staying = claims.filter((m) => m.handingOver !== true);
  const masters = (staying.length > 0 ? staying : claims).map((m) => m.director);
  return {
    members: result,
    masters,
    splitBrain: masters.length > 1,
    noMaster: masters.length === 0,
  };
}
