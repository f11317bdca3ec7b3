/**
 * @module Script probe (keepalived MISC_CHECK): runs `path args…` without a shell, no stdio, in its
 * own process group so that a timeout kills the whole group (SIGKILL), not just the direct child;
 * the exit status is read by core/health/script-exit.ts (misc_dynamic weights). The script's port
 * and address are passed as FLEETLB_RS_ADDRESS / FLEETLB_RS_PORT. It runs as its `runAs`
 * (scripts/script-launcher.ts); a script keepalived would disable (unknown user, not executable,
 * unsafe under enable_script_security) is not run and counts as passing, as keepalived removes
 * that MISC_CHECK from the real server's checkers (check_misc.c `check_misc_script_security()`).
 */
import { spawn } from 'node:child_process';
import { hostScripts, identityOptions, type PreparedScripts } from '../scripts/script-launcher.js';
import type { ChildProcess } from 'node:child_process';
import { fail, PASS } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { scriptExitResult } from '../core/health/script-exit.js';
import { describeError } from './probe-types.js';
import type { CheckOf, ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export async function probeScript(
  spec: CheckOf<'script'>,
  target: ProbeTarget,
  opts: ProbeOptions,
  scripts: PreparedScripts = hostScripts,
): Promise<ProbeResult> {
  const prepared = await scripts.prepare(spec, spec.path, spec.runAs);
  if (!prepared.run) return PASS;
  const child = spawn(prepared.program, spec.args, {
    ...identityOptions(prepared),
    stdio: 'ignore',
    detached: true,
    env: {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      FLEETLB_RS_ADDRESS: target.address,
      FLEETLB_RS_PORT: String(target.port),
    },
  });
  const s = settler(
    opts,
    () => killGroup(child),
    () => fail('timeout', `script still running after ${opts.timeoutMs} ms: killed`),
  );
  child.once('error', (err) => s.settle(fail('exit', describeError(err))));
  child.once('exit', (code, signal) =>
    s.settle(scriptExitResult(code, signal, spec.dynamicWeight)),
  );
  return s.promise;
}
