/** @module The command table, in the order `fleetlb --help` lists it. */
import type { Command } from '../command.js';
import { applyCommand } from './apply.js';
import { contextCommands } from './context.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { directorMaintenanceCommand, directorResumeCommand } from './director.js';
import { drainCommand } from './drain.js';
import { exportKeepalivedCommand } from './export-keepalived.js';
import { getCommand } from './get.js';
import { diffCommand, historyCommand, rollbackCommand } from './history.js';
import { importKeepalivedCommand } from './import-keepalived.js';
import { statusCommand } from './status.js';
import { tokenCommands } from './token.js';
import { undrainCommand } from './undrain.js';
import { weightSetCommand } from './weight.js';

export const COMMANDS: readonly Command[] = [
  ...contextCommands,
  getCommand,
  describeCommand,
  applyCommand,
  deleteCommand,
  weightSetCommand,
  drainCommand,
  undrainCommand,
  directorMaintenanceCommand,
  directorResumeCommand,
  historyCommand,
  diffCommand,
  rollbackCommand,
  statusCommand,
  importKeepalivedCommand,
  exportKeepalivedCommand,
  ...tokenCommands,
];
