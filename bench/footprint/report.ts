/**
 * @module The footprint benchmark's report: one row per case and implementation (RSS of the
 * process tree at the end and at its peak, the processes, checks per CPU-second at scale), the
 * ratio to keepalived, the targets of issue 18 and the figures before it, as a table and as JSON
 * on the last line of stdout.
 */
import type { Measurement } from './measure.js';

export interface Row {
  /**
   * `idle-cp-first`, `idle-cp`: idle in control-plane mode, first start and restart from the
   * last-known-good document (compared with keepalived's idle row); `idle-cp-first-before`: a
   * first start without the first-document re-exec, as before it.
   */
  case: 'idle' | 'idle-cp-first-before' | 'idle-cp-first' | 'idle-cp' | 'scale';
  impl: 'fleetlb' | 'keepalived';
  /** The measurement, or why there is none (e.g. keepalived's checker without IPVS). */
  result: Measurement | string;
}

/** Before the footprint work (issue 18): three Node processes idle; the agent alone at scale. */
export const BEFORE = {
  idle: { rssMiB: 173, processes: 'agent 67 + crash guard 52 + address watcher 54' },
  scale: { rssPeakMiB: 157, processes: 'agent alone (bench:health, V8 defaults)' },
  keepalivedIdleMiB: 12.9,
};
export const TARGETS = { idleMiB: 64, scalePeakMiB: 96 };

const pad = (cells: readonly unknown[], width = 14): string =>
  cells.map((c) => String(c).padStart(width)).join(' ');

export function printReport(
  rows: readonly Row[],
  context: { checks: number; intervalS: number; nodeFlags: string },
): void {
  const keepalived = (c: Row['case']) =>
    rows.find((r) => r.case === (c.startsWith('idle') ? 'idle' : c) && r.impl === 'keepalived');
  console.log(
    `\nProcess-tree RSS (VmRSS summed), agent V8 flags: ${context.nodeFlags}; scale = ${context.checks} TCP checks every ${context.intervalS} s`,
  );
  console.log(
    pad([
      'case',
      'impl',
      'RSS end',
      'RSS peak',
      'window peak',
      'vs keepalived',
      'checks/s',
      'checks/cpu-s',
    ]),
  );
  const json = [];
  for (const row of rows) {
    if (typeof row.result === 'string') {
      console.log(`${pad([row.case, row.impl])}   not measured: ${row.result}`);
      json.push({ case: row.case, impl: row.impl, error: row.result });
      continue;
    }
    const r = row.result;
    const k = keepalived(row.case)?.result;
    const ratio =
      row.impl === 'fleetlb' && k !== undefined && typeof k !== 'string'
        ? `${(r.rssPeakMiB / k.rssPeakMiB).toFixed(1)}×`
        : '';
    const checksPerS = r.accepted / r.windowS;
    const perCpuS = r.cpuS > 0 ? r.accepted / r.cpuS : 0;
    const checks = row.case === 'scale';
    console.log(
      pad([
        row.case,
        row.impl,
        `${r.rssEndMiB} MiB`,
        `${r.rssPeakMiB} MiB`,
        `${r.rssWindowPeakMiB} MiB`,
        ratio,
        checks ? checksPerS.toFixed(0) : '',
        checks ? perCpuS.toFixed(0) : '',
      ]),
    );
    console.log(
      `${' '.repeat(30)}${r.processes.map((p) => `${p.command} ${p.rssMiB}`).join(' + ')}`,
    );
    json.push({ case: row.case, impl: row.impl, ...r, checksPerS, checksPerCpuS: perCpuS });
  }
  console.log(
    `\nbefore (issue 18): idle ${BEFORE.idle.rssMiB} MiB (${BEFORE.idle.processes}); at scale ${BEFORE.scale.rssPeakMiB} MiB peak (${BEFORE.scale.processes}); keepalived idle ${BEFORE.keepalivedIdleMiB} MiB`,
  );
  console.log(
    `targets: idle ≤ ${TARGETS.idleMiB} MiB (either mode), at scale ≤ ${TARGETS.scalePeakMiB} MiB peak`,
  );
  console.log(JSON.stringify({ context, before: BEFORE, targets: TARGETS, rows: json }));
}
