/**
 * @module What a drain is waiting for, per director (active connections left, no report yet,
 * revision not applied), and showing it live: redrawn in place on a terminal, one line per
 * change otherwise (logs, CI).
 */
import type { DrainResult, DrainStraggler } from '../../contract/deploy-result.js';

export type { DrainResult, DrainStraggler };

/** One line per director still holding the drain up, in name order. */
export function drainProgressLines(result: DrainResult): string[] {
  if (result.drained)
    return [
      `drained: every director applied revision ${result.revision} and reports no active connection`,
    ];
  const byDirector = new Map<string, DrainStraggler[]>();
  for (const s of result.remaining)
    byDirector.set(s.director, [...(byDirector.get(s.director) ?? []), s]);
  return [...byDirector.keys()].sort().map((director) => {
    const list = byDirector.get(director)!;
    const first = list[0]!;
    if (first.reason === 'no-report') return `${director}: no report from its agent yet`;
    if (first.reason === 'not-applied')
      return `${director}: has not applied revision ${result.revision} yet (at ${first.appliedRevision ?? 'none'})`;
    const connections = list.filter((s) => s.reason === 'connections');
    const total = connections.reduce((sum, s) => sum + (s.activeConnections ?? 0), 0);
    const detail = list
      .map(
        (s) =>
          `${s.virtualServer}/${s.realServer} ${s.reason === 'connections' ? (s.activeConnections ?? 0) : 'not reported'}`,
      )
      .join(', ');
    return `${director}: ${total} active connection${total === 1 ? '' : 's'} left (${detail})`;
  });
}

/** Shows successive progress snapshots on `stream`. */
export class ProgressDisplay {
  private shown: string[] = [];

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly tty: boolean,
  ) {}

  update(lines: string[]): void {
    if (this.tty) {
      const up = this.shown.length > 0 ? `\x1b[${this.shown.length}F` : '';
      this.stream.write(`${up}\x1b[J${lines.map((l) => `${l}\n`).join('')}`);
      this.shown = lines;
      return;
    }
    const fresh = lines.filter((l) => !this.shown.includes(l));
    for (const line of fresh) this.stream.write(`${new Date().toISOString()} ${line}\n`);
    this.shown = lines;
  }
}
