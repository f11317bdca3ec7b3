/**
 * @module `fleetlb drain`: set real servers to `draining` (weight 0 in the kernel, connections
 * kept); with --wait, poll the drain (`?wait=` long-polls on the server) and show what is left
 * per director until it completes, or exit 5 when --timeout runs out first.
 */
import { stringOption, type Command } from '../command.js';
import { deployTarget, targetPath, TARGET_OPTIONS } from '../deploy-target.js';
import { drainProgressLines, ProgressDisplay, type DrainResult } from '../drain-progress.js';
import { parseDurationMs } from '../duration.js';
import { EXIT, usageError } from '../exit-codes.js';
import { serialize } from '../output.js';

/** Longest single long-poll: progress is shown at least this often. */
const POLL_SLICE_MS = 5_000;

export const drainCommand: Command = {
  words: ['drain'],
  summary: 'Drain real servers (weight 0, existing connections kept), optionally waiting',
  usage: '--site SITE (--virtual-server VS REAL | -l SELECTOR) [--wait [--timeout 5m]]',
  description: `Without --wait it returns once the drain is recorded. With --wait it shows, per director, what is
left (active connections, no report, revision not applied) until every director carrying the real
servers applied the drain and reports no active connection to them (exit 0), or --timeout runs out
(exit 5). Polling repeats the (idempotent) drain request with the API's ?wait= long-poll.`,
  options: {
    ...TARGET_OPTIONS,
    wait: { type: 'boolean', description: 'Wait until drained' },
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'How long --wait waits (default 5m), e.g. 90s, 10m',
    },
  },
  args: { min: 0, max: 1 },
  async run(inv) {
    const target = deployTarget(inv, inv.args[0]);
    const { path, query } = targetPath(target, 'drain');
    const client = inv.client();
    const wait = inv.options.wait === true;
    if (!wait && stringOption(inv.options, 'timeout') !== undefined)
      throw usageError('--timeout only applies with --wait');
    const timeoutMs = parseDurationMs(stringOption(inv.options, 'timeout') ?? '5m');
    const deadline = Date.now() + timeoutMs;
    const output = inv.globals.output;
    const table = output === 'table';
    const display = new ProgressDisplay(inv.io.stderr, inv.io.stderr.isTTY === true);
    const poll = async (waitMs: number) =>
      (
        await client.request<DrainResult>('POST', path, {
          query: { ...query, wait: Math.floor(waitMs / 1000) },
          timeoutMs: waitMs + 30_000,
        })
      ).body;
    let result = await poll(0);
    if (table) {
      const names = result.realServers.map((r) => `${r.virtualServer}/${r.name}`).join(', ');
      inv.out(
        `draining ${names || 'no real server'} in site ${target.site} (revision ${result.revision})\n`,
      );
    }
    while (wait && !result.drained && Date.now() < deadline) {
      if (table) display.update(drainProgressLines(result));
      const sliceMs = Math.min(POLL_SLICE_MS, deadline - Date.now());
      result = await poll(Math.max(sliceMs, 1000));
      // Each poll repeats the drain: `changed` means someone put them back in service meanwhile.
      if (result.changed)
        inv.err('warning: the real servers were put back in service while waiting; drained again');
    }
    const timedOut = wait && !result.drained;
    if (output !== 'table') inv.out(serialize({ ...result, timedOut }, output));
    else if (wait) {
      display.update(drainProgressLines(result));
      if (timedOut)
        inv.err(`error: not drained after ${stringOption(inv.options, 'timeout') ?? '5m'}`);
    }
    return timedOut ? EXIT.drainTimeout : EXIT.ok;
  },
};
