/**
 * @module `fleetlb import keepalived FILE`: a director's keepalived.conf into API objects, applied
 * like `apply` (diffs, --dry-run). The work is in keepalived-import.ts.
 */
import type { Command } from '../command.js';

export const importKeepalivedCommand: Command = {
  words: ['import', 'keepalived'],
  summary:
    "Import a director's keepalived.conf (site, director, VRRP instances, virtual and real servers)",
  usage: 'FILE --site SITE --director NAME --address IP [--dry-run] [--config-id ID]',
  description: `Includes are read relative to FILE. What fleetlb cannot express is printed as warnings
(file:line:column); parse errors or an invalid result abort (exit 1) before anything changes.
The director joins each VRRP instance with its keepalived priority, next to the members already
there; import every director of an instance to complete its membership. Where its file's notify
scripts, tracked scripts, interface or unicast_src_ip differ from the instance's, they become
this director's own, so 'export keepalived --director NAME' gives back each director's file.`,
  options: {
    site: {
      type: 'string',
      short: 's',
      value: 'SITE',
      description: 'The site to import into (created if missing)',
    },
    director: {
      type: 'string',
      value: 'NAME',
      description: 'The director this keepalived.conf runs on',
    },
    address: {
      type: 'string',
      value: 'IP',
      description: "The director's address on the VRRP segment",
    },
    'dry-run': { type: 'boolean', description: 'Show the diffs, change nothing' },
    'config-id': {
      type: 'string',
      value: 'ID',
      description: 'keepalived -i config id for @ID lines (default: the director name)',
    },
  },
  args: { min: 1, max: 1 },
  async run(inv) {
    // The keepalived parser and the contract load only for this command.
    await (await import('../keepalived-import.js')).importKeepalived(inv);
  },
};
