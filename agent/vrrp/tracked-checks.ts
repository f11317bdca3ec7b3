/**
 * @module An instance's tracked checks (keepalived `track_script` / `track_interface`,
 * keepalived/vrrp/vrrp_scheduler.c `vrrp_script_child_thread()`, keepalived.conf(5)
 * `vrrp_script`): scripts run every `intervalMs` (exit 0 = success; non-zero, signal
 * or timeout = failure) and flip after `rise` successes / `fall` failures; interfaces follow the
 * link state the engine reports. Every change is reported with all current results, from which
 * the engine computes the effective priority (core/vrrp/tracking.ts). Virtual-server checks
 * (keepalived's track_script on a check of the backends) follow the health decisions the agent
 * reports: failing when all real servers are down, or when the virtual server is below quorum;
 * until the first decision they count as passing. Tracked files (keepalived track_file) follow
 * their file's number (tracked-files.ts). Scripts run as their `runAs`
 * (scripts/script-launcher.ts); a script or file keepalived would remove (unknown user, unsafe
 * under enable_script_security, directory missing…) is disabled: it counts for nothing, neither
 * weight nor FAULT, as if it were not tracked (keepalived vrrp.c `check_vrrp_script_security()`).
 */
import { execFile } from 'node:child_process';
import { jsonEqual } from '../../contract/json-equal.js';
import type { TrackedCheck } from '../../contract/vrrp-instance.js';
import type { TrackedCheckResult } from '../core/vrrp/tracking.js';
import { hostScripts, identityOptions, type PreparedScripts } from '../scripts/script-launcher.js';
import { FileTracker, nodeTrackedFiles, type TrackedFiles } from './tracked-files.js';

type ScriptCheck = Extract<TrackedCheck, { type: 'script' }>;

/** What a virtual-server tracked check looks at. */
export interface VirtualServerHealth {
  /** No enabled real server is up. */
  allDown: boolean;
  /** Below quorum (with hysteresis), as the IPVS decision saw it. */
  belowQuorum: boolean;
}

interface CheckState {
  check: TrackedCheck;
  passing: boolean;
  /** Consecutive results against the current verdict (rise/fall counting). */
  streak: number;
  timer?: NodeJS.Timeout;
  /** A tracked file's number (0 until read). */
  value: number;
  /** Why keepalived would not run this check: it then counts for nothing. */
  disabled?: string;
  /** Taken over from the previous configuration (no init_file then, as on a keepalived reload). */
  carried: boolean;
  file?: FileTracker;
}

/** The edges the checks use (fakes in tests). */
export interface TrackedCheckPorts {
  files: TrackedFiles;
  scripts: PreparedScripts;
  /** A check was disabled (logged by the engine). */
  onDisabled?: (check: string, reason: string) => void;
}

const NEUTRAL: TrackedCheckResult = { weight: 0, passing: true };

export class TrackedChecks {
  private readonly states: CheckState[];
  private stopped = false;

  constructor(
    checks: readonly TrackedCheck[],
    private readonly onChange: (results: TrackedCheckResult[]) => void,
    private readonly ports: TrackedCheckPorts = { files: nodeTrackedFiles, scripts: hostScripts },
  ) {
    this.states = checks.map((check) => ({
      check,
      passing: true,
      streak: 0,
      value: 0,
      carried: false,
    }));
  }

  /**
   * Takes over the verdicts of `previous` for the checks that did not change (an in-place edit
   * of the instance), so that editing one check does not reset the others to passing. Call
   * before `start`.
   */
  carryFrom(previous: TrackedChecks): void {
    for (const state of this.states) {
      const same = previous.states.find((old) => jsonEqual(old.check, state.check));
      if (same === undefined) continue;
      state.passing = same.passing;
      state.streak = same.streak;
      state.value = same.value;
      state.carried = true;
    }
  }

  results(): TrackedCheckResult[] {
    return this.states.map((s) => {
      if (s.disabled !== undefined) return NEUTRAL;
      if (s.check.type === 'file') {
        const { weight, reverse } = s.check;
        return { file: { value: s.value, weight, reverse } };
      }
      return { weight: s.check.weight, passing: s.passing };
    });
  }

  /**
   * Starts the script checks, spread over their interval so they do not all run at once, and
   * the file watches. Resolves once every tracked file has been read the first time.
   */
  async start(): Promise<void> {
    const reads: Promise<void>[] = [];
    this.states.forEach((state, i) => {
      const check = state.check;
      if (check.type === 'file') reads.push(this.watchFile(state, check));
      if (check.type !== 'script') return;
      const offsetMs = (check.intervalMs * i) / Math.max(1, this.states.length);
      state.timer = setTimeout(() => this.runScript(state, check), offsetMs);
    });
    await Promise.all(reads);
  }

  stop(): void {
    this.stopped = true;
    for (const state of this.states) {
      clearTimeout(state.timer);
      state.file?.stop();
    }
  }

  private watchFile(state: CheckState, check: Extract<TrackedCheck, { type: 'file' }>) {
    state.file = new FileTracker(
      check,
      this.ports.files,
      (value) => {
        if (value === state.value || this.stopped) return;
        state.value = value;
        this.onChange(this.results());
      },
      (reason) => this.disable(state, reason),
    );
    return state.file.start(!state.carried);
  }

  private disable(state: CheckState, reason: string): void {
    if (this.stopped || state.disabled !== undefined) return;
    state.disabled = reason;
    this.ports.onDisabled?.(state.check.name, reason);
    this.onChange(this.results());
  }

  /** A link went up or down: interface checks on it pass while it is up. */
  linkChanged(interfaceName: string, up: boolean): void {
    let changed = false;
    for (const state of this.states) {
      if (state.check.type === 'interface' && state.check.interface === interfaceName) {
        changed ||= state.passing !== up;
        state.passing = up;
      }
    }
    if (changed) this.onChange(this.results());
  }

  /** A virtual server's health decision: its tracked checks fail on their condition. */
  virtualServerChanged(name: string, health: VirtualServerHealth): void {
    let changed = false;
    for (const state of this.states) {
      const check = state.check;
      if (check.type !== 'virtual-server' || check.virtualServer !== name) continue;
      const passing = !(check.condition === 'all-down' ? health.allDown : health.belowQuorum);
      changed ||= state.passing !== passing;
      state.passing = passing;
    }
    if (changed) this.onChange(this.results());
  }

  private runScript(state: CheckState, check: ScriptCheck): void {
    if (this.stopped) return;
    void this.ports.scripts.prepare(check, check.path, check.runAs).then((prepared) => {
      if (this.stopped) return;
      if (!prepared.run) return this.disable(state, prepared.reason);
      const options = {
        ...identityOptions(prepared),
        timeout: check.timeoutMs,
        killSignal: 'SIGKILL' as const,
      };
      execFile(prepared.program, check.args, options, (error) => {
        if (this.stopped) return;
        this.record(state, check, error === null);
        state.timer = setTimeout(() => this.runScript(state, check), check.intervalMs);
      });
    });
  }

  /** keepalived rise/fall: `rise` consecutive successes to pass, `fall` failures to fail. */
  private record(state: CheckState, check: ScriptCheck, success: boolean): void {
    if (success === state.passing) {
      state.streak = 0;
      return;
    }
    state.streak += 1;
    if (state.streak >= (success ? check.rise : check.fall)) {
      state.passing = success;
      state.streak = 0;
      this.onChange(this.results());
    }
  }
}
