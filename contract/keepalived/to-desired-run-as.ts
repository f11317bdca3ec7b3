/**
 * @module Who an imported script runs as: its own `user USER [GROUP]` (a vrrp_script's, a
 * MISC_CHECK's, or the words after a notify line's command), else global `script_user`, else
 * keepalived's default (`keepalived_script` if it exists, else root: core/notify.c
 * `get_default_script_user()`), checked when `enable_script_security` is on. The user is looked up
 * on the director when the agent loads the configuration, as keepalived looks it up.
 */
import type { z } from 'zod';
import type { ScriptRunAs } from '../script-run-as.js';
import type { GlobalDefs, ScriptUserConf } from './model.js';

export type RunAsInput = z.input<typeof ScriptRunAs>;

/**
 * `runAs` for a script with its own `user` line (or none). Root without a group and without
 * enable_script_security is the agent's own user (root on a director): no `runAs` at all.
 */
export function runAsOf(own: ScriptUserConf | undefined, g: GlobalDefs): RunAsInput | undefined {
  const who = own ?? g.scriptUser;
  const security = g.enableScriptSecurity;
  if (who?.user === 'root' && who.group === undefined && !security) return undefined;
  return {
    ...(who === undefined ? {} : { user: who.user }),
    ...(who?.group === undefined ? {} : { group: who.group }),
    ...(security ? { requireSafePath: true } : {}),
  };
}

/** `{ runAs }` when there is one, for spreading into a script's input. */
export function withRunAs(own: ScriptUserConf | undefined, g: GlobalDefs): { runAs?: RunAsInput } {
  const runAs = runAsOf(own, g);
  return runAs === undefined ? {} : { runAs };
}
