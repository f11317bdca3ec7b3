/**
 * @module `--wait [--timeout]` of the verbs that make one revision (weight set, undrain): returns
 * when every director the site's documents reach has applied the change's revision, as
 * `apply --wait` does (apply-wait.ts: per-director progress on stderr, exit 11 naming a director
 * that refused it with its reasons, 5 naming those that did not report in time).
 */
import { waitForApplied } from './apply-wait.js';
import { stringOption, type Invocation, type OptionSpec } from './command.js';
import { parseDurationMs } from './duration.js';
import { usageError } from './exit-codes.js';

export const CHANGE_WAIT_OPTIONS: Record<string, OptionSpec> = {
  wait: { type: 'boolean', description: 'Wait until every director applied the change' },
  timeout: {
    type: 'string',
    value: 'DURATION',
    description: 'How long --wait waits (default 2m), e.g. 90s, 10m',
  },
};

/** The wait the options ask for (undefined: none); checked before the change is made. */
export function changeWait(inv: Invocation): { timeoutMs: number } | undefined {
  const timeout = stringOption(inv.options, 'timeout');
  if (inv.options.wait !== true) {
    if (timeout !== undefined) throw usageError('--timeout only applies with --wait');
    return undefined;
  }
  return { timeoutMs: parseDurationMs(timeout ?? '2m') };
}

/** Waits, if asked, until every director applied `revision` of `site` (nothing if unchanged). */
export async function waitForChange(
  inv: Invocation,
  wait: { timeoutMs: number } | undefined,
  change: { site: string; revision: number; changed: boolean },
): Promise<void> {
  if (!wait) return;
  await waitForApplied(inv.client(), [{ ...change, dryRun: false }], wait.timeoutMs, (line) =>
    inv.io.stderr.write(`${line}\n`),
  );
}
