/**
 * @module The status report's `errors`: what the agent runs without, by stage. `crash-guard`:
 * the crash guard could not start (not built, not executable). `script`: a script the agent
 * refuses to run, as keepalived disables it when it loads its configuration (keepalived
 * core/notify.c `check_script_secure()`, scripts/script-safety.ts): a vrrp_script, a MISC_CHECK
 * or a notify script whose user does not exist, that is not executable, or whose path is unsafe
 * under enable_script_security. Reported, they show in `fleetlb status` (N-ERRORS), not only in
 * the log; `fleetlb_agent_scripts_disabled` counts the scripts.
 */
import {
  STATUS_ERROR_MESSAGE_MAX,
  STATUS_ERRORS_MAX,
  type AgentStatus,
} from '../../contract/agent-status.js';
import type { DisabledScript } from '../scripts/script-launcher.js';

type StatusError = AgentStatus['errors'][number];

export function statusErrors(
  guardProblem: string | undefined,
  disabledScripts: readonly DisabledScript[],
): StatusError[] {
  const errors: StatusError[] = [
    ...(guardProblem === undefined ? [] : [{ stage: 'crash-guard', message: guardProblem }]),
    ...disabledScripts.map(({ script, reason }) => ({
      stage: 'script',
      message: `${script}: not run: ${reason}`,
    })),
  ];
  return errors
    .slice(0, STATUS_ERRORS_MAX)
    .map((e) => ({ stage: e.stage, message: e.message.slice(0, STATUS_ERROR_MESSAGE_MAX) }));
}
