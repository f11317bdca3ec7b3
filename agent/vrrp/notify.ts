/**
 * @module keepalived-compatible notify hooks (keepalived.conf(5) `notify`): on each transition the
 * state's own script (`notify_master`, `notify_backup`, `notify_fault`, `notify_stop`) runs with
 * its own arguments, then the generic one (`notify`) with its own arguments followed by
 * `INSTANCE <name> <STATE> <priority>` (keepalived/vrrp/vrrp_notify.c `notify_script_exec()`).
 * A hook named without a slash is looked up in PATH, as keepalived/core/notify.c `find_path()`
 * does.
 * Scripts run without a shell, detached from the engine: a slow or failing hook is logged and
 * killed after `timeoutMs`, and never delays the election. Each runs as its `runAs`
 * (scripts/script-launcher.ts); one keepalived would disable is not run (keepalived frees it:
 * vrrp.c `check_vrrp_script_security()`), and is reported as failed with the reason.
 */
import type { ScriptRunAs } from '../../contract/script-run-as.js';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { hostScripts, type PreparedScripts, runHookScript } from '../scripts/script-launcher.js';
import type { VrrpStateName } from '../core/vrrp/machine.js';

export type NotifyHooks = DirectorVrrpInstance['notify'];

/** keepalived's state words; Initialize after a shutdown is STOP. */
const STATE_WORD: Record<VrrpStateName, string> = {
  master: 'MASTER',
  backup: 'BACKUP',
  fault: 'FAULT',
  initialize: 'STOP',
};

const HOOK_BY_STATE: Record<VrrpStateName, 'master' | 'backup' | 'fault' | 'stop'> = {
  master: 'master',
  backup: 'backup',
  fault: 'fault',
  initialize: 'stop',
};

export interface NotifyResult {
  script: string;
  args: string[];
  error?: Error;
}

/** The scripts and arguments to run for entering `state` (pure; tested). */
export function notifyCommands(
  hooks: NotifyHooks,
  instance: string,
  state: VrrpStateName,
  priority: number,
): NotifyCommand[] {
  const commands: NotifyCommand[] = [];
  const key = HOOK_BY_STATE[state];
  const specific = hooks[key];
  const runAs = (k: typeof key | 'any') => {
    const who = hooks.runAs?.[k];
    return who === undefined ? {} : { runAs: who };
  };
  if (specific)
    commands.push({ script: specific, args: [...(hooks.args?.[key] ?? [])], ...runAs(key) });
  if (hooks.any) {
    commands.push({
      script: hooks.any,
      args: [...(hooks.args?.any ?? []), 'INSTANCE', instance, STATE_WORD[state], String(priority)],
      ...runAs('any'),
    });
  }
  return commands;
}

export interface NotifyCommand {
  script: string;
  args: string[];
  runAs?: ScriptRunAs;
}

/** Runs the hooks in order; resolves with each outcome (never rejects). */
export async function runNotifyHooks(
  hooks: NotifyHooks,
  instance: string,
  state: VrrpStateName,
  priority: number,
  timeoutMs = 30_000,
  scripts: PreparedScripts = hostScripts,
): Promise<NotifyResult[]> {
  const results: NotifyResult[] = [];
  for (const { script, args, runAs } of notifyCommands(hooks, instance, state, priority)) {
    const error = await runHookScript(scripts, hooks, script, args, runAs, timeoutMs);
    results.push(error ? { script, args, error } : { script, args });
  }
  return results;
}
