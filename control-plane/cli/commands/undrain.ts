/** @module `fleetlb undrain`: put real servers back in service (the API's restore: adminState enabled). */
import type { Command } from '../command.js';
import {
  AFFECTED_COLUMNS,
  deployTarget,
  targetPath,
  TARGET_OPTIONS,
  type ChangeResult,
} from '../deploy-target.js';
import { CHANGE_WAIT_OPTIONS, changeWait, waitForChange } from '../change-wait.js';
import { formatRows } from '../output.js';

export const undrainCommand: Command = {
  words: ['undrain'],
  summary: 'Put drained (or disabled) real servers back in service',
  usage: '--site SITE (--virtual-server VS REAL | -l SELECTOR) [--wait [--timeout 2m]]',
  options: { ...TARGET_OPTIONS, ...CHANGE_WAIT_OPTIONS },
  args: { min: 0, max: 1 },
  async run(inv) {
    const target = deployTarget(inv, inv.args[0]);
    const wait = changeWait(inv);
    const { path, query } = targetPath(target, 'restore');
    const result = (await inv.client().request<ChangeResult>('POST', path, { query })).body;
    inv.out(formatRows(inv.globals.output, AFFECTED_COLUMNS, result.realServers, result));
    await waitForChange(inv, wait, { site: target.site, ...result });
  },
};
