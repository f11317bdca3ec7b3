/**
 * @module keepalived's LVS notify scripts: `notify_up`/`notify_down` when a real server's checks
 * take it up or down, `quorum_up`/`quorum_down` when its virtual server gains or loses quorum
 * (keepalived/check/ipwrapper.c do_rs_notifies(), do_vs_notifies(), both through notify_exec()).
 * Each script runs with its own arguments only, without a shell, detached from the decision that
 * caused it: a slow or failing script is logged and killed after `timeoutMs`, and never delays
 * IPVS. A transition the agent starts in (a keepalived `alpha` server before its first probe) runs
 * nothing, as keepalived runs nothing for it.
 */
import { execFile } from 'node:child_process';
import type { DesiredState } from '../../contract/desired-state.js';
import type { UpDownHooks } from '../../contract/virtual-server.js';

export interface HookCommand {
  script: string;
  args: string[];
}

/** The script and arguments to run for going `up` or down (pure). */
export function upDownCommand(
  hooks: UpDownHooks | undefined,
  up: boolean,
): HookCommand | undefined {
  const key = up ? 'up' : 'down';
  const script = hooks?.[key];
  return script === undefined ? undefined : { script, args: [...(hooks?.args?.[key] ?? [])] };
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

/** Runs `command`; resolves with its error, if any (never rejects). */
export function runHook(command: HookCommand, timeoutMs = 30_000): Promise<Error | undefined> {
  return new Promise((resolve) => {
    execFile(command.script, command.args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (e) =>
      resolve(e ?? undefined),
    );
  });
}
