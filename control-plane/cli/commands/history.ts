/**
 * @module `fleetlb history`, `fleetlb diff --from N [--to M]` and `fleetlb rollback --to N`: a
 * site's revisions (who, when, what), what changed between two, and a new revision equal to an
 * older one (checked by the server; `--dry-run` to see it first, `--wait` to see it applied).
 */
import type { RevisionDiff, RevisionList, RollbackResult } from '../../../contract/history.js';
import { waitForApplied } from '../apply-wait.js';
import { stringOption, SITE_OPTION, type Command, type Invocation } from '../command.js';
import { directorEffectLines } from '../director-effects.js';
import { parseDurationMs } from '../duration.js';
import { usageError } from '../exit-codes.js';
import { formatRows, serialize } from '../output.js';

const sitePath = (inv: Invocation) => `/v1/sites/${encodeURIComponent(inv.site())}`;

function revisionOption(inv: Invocation, name: string): number | undefined {
  const text = stringOption(inv.options, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be a revision number`);
  return n;
}

function printObjects(inv: Invocation, objects: RevisionDiff['objects']): void {
  for (const o of objects) {
    const sign = o.change === 'created' ? '+' : o.change === 'deleted' ? '-' : '~';
    const fields = o.change === 'updated' ? `: ${o.fields.join(', ')}` : '';
    inv.out(`${sign} ${o.resourceType} ${o.resource}${fields}\n`);
  }
}

export const historyCommand: Command = {
  words: ['history'],
  summary: "List a site's revisions: who, when, what changed",
  usage: '[--site SITE] [--limit N] [-o json|yaml]',
  description: `Newest first. RESTORABLE says whether the whole site at that revision is kept (history
begins when the site is created, or when the control plane was upgraded to keep it).`,
  options: {
    ...SITE_OPTION,
    limit: { type: 'string', value: 'N', description: 'How many revisions (default 20)' },
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const limit = stringOption(inv.options, 'limit') ?? '20';
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000)
      throw usageError('--limit must be 1 to 1000');
    const { body } = await inv.client().get<RevisionList>(`${sitePath(inv)}/revisions`, { limit });
    const format = inv.globals.output;
    if (format !== 'table') return inv.out(serialize(body, format));
    const count = (changes: { action: string }[]) =>
      [...new Set(changes.map((c) => c.action))]
        .map((a) => `${changes.filter((c) => c.action === a).length} ${a}`)
        .join(', ');
    inv.out(
      formatRows(
        format,
        [
          { header: 'REVISION', value: (r) => String(r.revision) },
          { header: 'AT', value: (r) => r.at },
          { header: 'ACTOR', value: (r) => r.actor },
          { header: 'RESTORABLE', value: (r) => (r.restorable ? 'yes' : 'no') },
          {
            header: 'CHANGES',
            value: (r) =>
              r.changes.length === 1
                ? `${r.changes[0]!.action} ${r.changes[0]!.resource}`
                : count(r.changes),
          },
        ],
        body.items,
      ),
    );
  },
};

export const diffCommand: Command = {
  words: ['diff'],
  summary: 'Show what changed in a site between two revisions',
  usage: '--from N [--to M] [--site SITE] [-o json|yaml]',
  description: `Object by object: + created, - deleted, ~ updated (with the fields that differ).
--to defaults to the current revision. With -o json or yaml, each object's before and after.`,
  options: {
    ...SITE_OPTION,
    from: { type: 'string', value: 'N', description: 'The older revision' },
    to: { type: 'string', value: 'M', description: 'The newer revision (default: current)' },
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const from = revisionOption(inv, 'from');
    if (from === undefined) throw usageError('diff needs --from N');
    const to = revisionOption(inv, 'to');
    const { body } = await inv.client().get<RevisionDiff>(`${sitePath(inv)}/revisions/diff`, {
      from: String(from),
      ...(to === undefined ? {} : { to: String(to) }),
    });
    if (inv.globals.output !== 'table') return inv.out(serialize(body, inv.globals.output));
    if (body.objects.length === 0)
      return inv.out(`${body.site}: revisions ${body.from} and ${body.to} are the same\n`);
    inv.out(`${body.site}: revision ${body.from} → ${body.to}\n`);
    printObjects(inv, body.objects);
  },
};

export const rollbackCommand: Command = {
  words: ['rollback'],
  summary: 'Make a new revision of a site equal to an older one',
  usage: '--to N [--dry-run] [--restore-operational] [--wait [--timeout 2m]] [--site SITE]',
  description: `The server validates revision N as today's rules see it and refuses it (exit 1, with the
reasons) if it no longer holds; otherwise one new revision, one audit group. Like
\`kubectl rollout undo\`, it restores the configuration but not the deploy verbs' work: a real
server's weight and adminState that drain/undrain/weight set last keep their values (listed as
kept) unless --restore-operational. --dry-run shows what would change, on each director too.
--wait then waits until every director applied the new revision (exit 11 if one refuses it,
5 if one does not report in time).`,
  options: {
    ...SITE_OPTION,
    to: { type: 'string', value: 'N', description: 'The revision to return to' },
    'dry-run': { type: 'boolean', description: 'The server checks and reports, changes nothing' },
    'restore-operational': {
      type: 'boolean',
      description: 'Also restore weights and admin states set by drain/undrain/weight',
    },
    wait: { type: 'boolean', description: 'Wait until every director applied the new revision' },
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'How long --wait waits (default 2m), e.g. 90s, 10m',
    },
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const to = revisionOption(inv, 'to');
    if (to === undefined) throw usageError('rollback needs --to N');
    const dryRun = inv.options['dry-run'] === true;
    const wait = inv.options.wait === true;
    if (!wait && stringOption(inv.options, 'timeout') !== undefined)
      throw usageError('--timeout only applies with --wait');
    const timeoutMs = parseDurationMs(stringOption(inv.options, 'timeout') ?? '2m');
    const { body } = await inv
      .client()
      .request<RollbackResult>('POST', `${sitePath(inv)}/rollback`, {
        query: { dryRun: String(dryRun) },
        body: {
          toRevision: to,
          restoreOperationalFields: inv.options['restore-operational'] === true,
        },
      });
    if (inv.globals.output !== 'table') inv.out(serialize(body, inv.globals.output));
    else {
      printObjects(inv, body.objects);
      for (const k of body.kept)
        inv.out(`kept ${k.fields.join(', ')} of ${k.resource} (set by the deploy verbs)\n`);
      for (const line of directorEffectLines(body.directors, dryRun)) inv.out(`${line}\n`);
      inv.out(
        !body.changed
          ? `${body.site} is already as at revision ${to}: nothing to do\n`
          : dryRun
            ? `dry run: would make ${body.site} revision ${body.revision} equal to revision ${to}; nothing was changed\n`
            : `${body.site} revision ${body.revision} is revision ${to} again\n`,
      );
    }
    if (wait && !dryRun)
      await waitForApplied(inv.client(), [body], timeoutMs, (line) =>
        inv.io.stderr.write(`${line}\n`),
      );
  },
};
