/**
 * @module `fleetlb director maintenance NAME [--wait]` and `fleetlb director resume NAME`: take a
 * director out of service for a kernel upgrade or a reboot and put it back (the API's
 * `PUT`/`DELETE /v1/sites/{site}/directors/{name}/maintenance`). Maintenance hands each VRRP
 * instance the director is master of to its best backup; --wait returns once each has a new
 * master that reports owning the VIPs (maintenance-wait.ts).
 */
import type { MaintenanceResult } from '../../../contract/maintenance.js';
import { SITE_OPTION, stringOption, type Command } from '../command.js';
import { parseDurationMs } from '../duration.js';
import { usageError } from '../exit-codes.js';
import { waitForHandover } from '../maintenance-wait.js';
import { serialize } from '../output.js';

const pathOf = (site: string, director: string) =>
  `/v1/sites/${encodeURIComponent(site)}/directors/${encodeURIComponent(director)}/maintenance`;

function summary(result: MaintenanceResult, verb: string): string {
  const head = result.changed
    ? `director ${result.director} ${verb} (revision ${result.revision})`
    : `director ${result.director} already ${verb} (revision ${result.revision})`;
  const lines = result.instances.map(
    (i) =>
      `  ${i.instance}: master ${i.master ?? 'none'}${i.handsOver ? ', hands over' : ''}; healthy members: ${i.healthyMembers.join(', ') || 'none'}`,
  );
  return `${[head, ...lines].join('\n')}\n`;
}

export const directorMaintenanceCommand: Command = {
  words: ['director', 'maintenance'],
  summary: 'Put a director in maintenance: its masterships hand over to the best backups',
  usage: 'NAME [--site SITE] [--reason TEXT] [--force] [--wait [--timeout 2m]]',
  description: `Every VRRP instance of the director advertises priority 1 and never preempts; one it is master of
hands over make before break: a priority-0 advert makes its best backup take over, and it keeps
the VIPs until the new master has advertised twice (if nobody takes over, it keeps them).
Maintenance is kept by the control plane and in the agent's last-known-good document, so it
survives restarts, until 'fleetlb director resume'. Refused (exit 4) when an instance would be
left with no healthy backup (no other member reporting master or backup with fresh evidence),
unless --force. With --wait it
returns once every instance has a new master reporting it owns the VIPs (exit 0), or exits 5 with
what each instance still waits for when --timeout runs out.`,
  options: {
    ...SITE_OPTION,
    reason: { type: 'string', value: 'TEXT', description: 'Why (audit log, fleet view)' },
    force: {
      type: 'boolean',
      description: 'Even if an instance is left with no healthy backup (its VIPs may go down)',
    },
    wait: { type: 'boolean', description: 'Wait until every instance has a new master' },
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'How long --wait waits (default 2m), e.g. 90s, 5m',
    },
  },
  args: { min: 1, max: 1 },
  async run(inv) {
    const wait = inv.options.wait === true;
    const timeoutText = stringOption(inv.options, 'timeout');
    if (!wait && timeoutText !== undefined) throw usageError('--timeout only applies with --wait');
    const timeoutMs = parseDurationMs(timeoutText ?? '2m');
    const site = inv.site();
    const reason = stringOption(inv.options, 'reason');
    const result = (
      await inv.client().request<MaintenanceResult>('PUT', pathOf(site, inv.args[0]!), {
        query: { force: inv.options.force === true ? 'true' : undefined },
        ...(reason === undefined ? {} : { body: { reason } }),
      })
    ).body;
    const output = inv.globals.output;
    if (output === 'table') inv.out(summary(result, 'in maintenance'));
    if (wait) await waitForHandover(inv.client(), site, result, timeoutMs, (line) => inv.err(line));
    if (output !== 'table') inv.out(serialize(result, output));
  },
};

export const directorResumeCommand: Command = {
  words: ['director', 'resume'],
  summary: 'Take a director out of maintenance: it takes part in elections again',
  usage: 'NAME [--site SITE]',
  description: `The director's instances advertise their normal priorities again; where preemption is configured,
a higher-priority director takes its masterships back (RFC 9568 §6.4.2).`,
  options: SITE_OPTION,
  args: { min: 1, max: 1 },
  async run(inv) {
    const result = (
      await inv.client().request<MaintenanceResult>('DELETE', pathOf(inv.site(), inv.args[0]!))
    ).body;
    const output = inv.globals.output;
    inv.out(output === 'table' ? summary(result, 'resumed') : serialize(result, output));
  },
};
