/**
 * @module keepalived's LVS notify scripts: `notify_up`/`notify_down` when a real server's checks
 * take it up or down, `quorum_up`/`quorum_down` when its virtual server gains or loses quorum
 * (keepalived/check/ipwrapper.c do_rs_notifies(), do_vs_notifies(), both through notify_exec()).
 * Each script runs with its own arguments only, without a shell, detached from the decision that
 * caused it: a slow or failing script is logged and killed after `timeoutMs`, and never delays
 * IPVS; each runs as its `runAs` (keepalived `notify_up "…" USER GROUP`). A transition the agent starts in (a keepalived `alpha` server before its first probe) runs
 * nothing, as keepalived runs nothing for it.
 */
import type { DesiredState } from '../../contract/desired-state.js';
import type { ScriptRunAs } from '../../contract/script-run-as.js';
import type { UpDownHooks } from '../../contract/virtual-server.js';
import { hostScripts, type PreparedScripts, runHookScript } from '../scripts/script-launcher.js';

export interface HookCommand {
  script: string;
  args: string[];
  runAs?: ScriptRunAs;
  /** Whose verdict it is (script-launcher.ts decides once per hooks object, so per document). */
  owner: object;
}

/** The script, arguments and user for going `up` or down (pure). */
export function upDownCommand(
  hooks: UpDownHooks | undefined,
  up: boolean,
): HookCommand | undefined {
  const key = up ? 'up' : 'down';
  const script = hooks?.[key];
  if (hooks === undefined || script === undefined) return undefined;
  const runAs = hooks.runAs?.[key];
  return {
    script,
    args: [...(hooks.args?.[key] ?? [])],
    ...(runAs === undefined ? {} : { runAs }),
    owner: hooks,
  };
}

/** A real server's own hooks in `document`, if it has any. */
export function realServerHooks(
  document: DesiredState | undefined,
  virtualServer: string,
  realServer: string,
): UpDownHooks | undefined {
  return document?.virtualServers
    .find((vs) => vs.name === virtualServer)
    ?.realServers.find((rs) => rs.name === realServer)?.notify;
}

/**
 * Runs `command` as its `runAs` (a script keepalived would remove, e.g. an unsafe path under
 * enable_script_security, is not run); resolves with its error, if any (never rejects).
 */
export function runHook(
  command: HookCommand,
  timeoutMs = 30_000,
  scripts: PreparedScripts = hostScripts,
): Promise<Error | undefined> {
  const { owner, script, args, runAs } = command;
  return runHookScript(scripts, owner, script, args, runAs, timeoutMs);
}
