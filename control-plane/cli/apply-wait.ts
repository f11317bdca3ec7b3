/**
 * @module `apply --wait`: after an apply, wait until every director of each changed site has
 * applied the site's new revision (each director's document carries the site's revision, so each
 * one receives it). Progress goes to stderr, one line per director as it settles. A director
 * that refuses the revision (a NACK: its report names the revision and the reasons) fails the
 * wait at once with exit 11; one that has not applied it when the timeout runs out, exit 5.
 */
import type { ApplyResult } from '../../contract/apply.js';
import type { DirectorStatus } from '../../contract/fleet-view.js';
import { CliError, EXIT } from './exit-codes.js';
import type { ApiClient } from './http-client.js';

/** What the wait reads of `directors-status`: only these fields are checked. */
type DirectorRow = Pick<DirectorStatus, 'name' | 'appliedRevision' | 'stale' | 'rejected'>;

/**
 * Reads a `directors-status` answer with the contract's `DirectorStatus`, picked to the fields
 * above (read-answer.ts). zod and the contract load on the first wait, not with every command.
 */
async function directorsProgressReader() {
  const [{ z }, { DirectorStatus }, { readAnswer }] = await Promise.all([
    import('zod'),
    import('../../contract/fleet-view.js'),
    import('./read-answer.js'),
  ]);
  const schema = z.object({
    directors: z.array(
      DirectorStatus.pick({ name: true, appliedRevision: true, stale: true, rejected: true }),
    ),
  });
  return (body: unknown, what: string): { directors: DirectorRow[] } =>
    readAnswer(schema, body, what);
}

type Outcome =
  { kind: 'applied' } | { kind: 'refused'; reasons: string[] } | { kind: 'pending'; why: string };

/** Where one director stands with `revision`. */
export function directorOutcome(row: DirectorRow, revision: number): Outcome {
  if (row.appliedRevision !== null && row.appliedRevision >= revision) return { kind: 'applied' };
  if (row.rejected && row.rejected.revision >= revision) {
    return {
      kind: 'refused',
      reasons: row.rejected.reasons.map((r) => `${r.path || '(document)'}: ${r.message}`),
    };
  }
  const applied =
    row.appliedRevision === null ? 'nothing applied' : `revision ${row.appliedRevision} applied`;
  return { kind: 'pending', why: row.stale ? `${applied}, no fresh report` : applied };
}

const POLL_MS = 500;

export async function waitForApplied(
  client: ApiClient,
  results: readonly Pick<ApplyResult, 'site' | 'revision' | 'changed' | 'dryRun'>[],
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const readProgress = await directorsProgressReader();
  const settled = new Map<string, Outcome>();
  const waiting = results.filter((r) => r.changed && !r.dryRun);
  for (;;) {
    const pending: string[] = [];
    for (const { site, revision } of waiting) {
      const path = `/v1/sites/${encodeURIComponent(site)}/directors-status`;
      const answer = (await client.get(path)).body;
      const { directors } = readProgress(answer, `GET ${path}`);
      for (const row of directors) {
        const key = `${site}/${row.name}`;
        if (settled.has(key)) continue;
        const outcome = directorOutcome(row, revision);
        if (outcome.kind === 'pending') {
          pending.push(`${key} (${outcome.why})`);
          continue;
        }
        settled.set(key, outcome);
        progress(
          outcome.kind === 'applied'
            ? `${key}: revision ${revision} applied`
            : `${key}: revision ${revision} REFUSED\n  ${outcome.reasons.join('\n  ')}`,
        );
      }
    }
    const refused = [...settled].filter(([, o]) => o.kind === 'refused').map(([k]) => k);
    if (refused.length > 0)
      throw new CliError(EXIT.refused, `refused by ${refused.join(', ')} (reasons above)`);
    if (pending.length === 0) return;
    if (Date.now() >= deadline)
      throw new CliError(EXIT.timeout, `not applied in time by ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
}
