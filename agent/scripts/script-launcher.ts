/**
 * @module Getting a script ready to run as keepalived would run it: who it runs as
 * (identity.ts), where a bare name is found in PATH (keepalived core/notify.c `find_path()`), and
 * whether it may run (script-safety.ts). Decided once per configuration, as keepalived decides
 * when it loads one: `PreparedScripts` keeps each verdict for as long as the object that owns the
 * script (a check, an instance's hooks) lives. Scripts without `runAs` run as the agent's user,
 * unchecked.
 */
import { execFile } from 'node:child_process';
import { lstat, realpath, stat } from 'node:fs/promises';
import type { ScriptRunAs } from '../../contract/script-run-as.js';
import { getentDirectory, resolveRunAs, type UserDirectory } from './identity.js';
import {
  fileFacts,
  type Identity,
  isExecutable,
  type ScriptFiles,
  scriptVerdict,
} from './script-safety.js';

export interface ScriptPorts {
  users: UserDirectory;
  files: ScriptFiles;
  /** The agent's own uid:gid. */
  own: Identity;
  /** PATH for programs named without a slash. */
  searchPath: string;
}

/** Ready to spawn (`uid`/`gid` set only when they differ from the agent's), or disabled. */
export type PreparedScript =
  | { run: true; program: string; uid?: number; gid?: number; warning?: string }
  | { run: false; reason: string };

const quiet =
  <T>(f: (p: string) => Promise<T>) =>
  (p: string): Promise<T | undefined> =>
    f(p).catch(() => undefined);

export const nodeScriptFiles: ScriptFiles = {
  lstat: quiet(async (p) => fileFacts(await lstat(p))),
  stat: quiet(async (p) => fileFacts(await stat(p))),
  realpath: quiet((p) => realpath(p)),
};

/** systemd's default PATH for services, which the agent's unit (and so its scripts) runs with. */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function hostScriptPorts(): ScriptPorts {
  return {
    users: getentDirectory,
    files: nodeScriptFiles,
    own: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    searchPath: SERVICE_PATH,
  };
}

/** The first executable `name` in `searchPath` (execvp(3)'s search). */
async function findInPath(name: string, id: Identity, ports: ScriptPorts) {
  for (const dir of ports.searchPath.split(':')) {
    const candidate = `${dir === '' ? '.' : dir}/${name}`;
    const f = await ports.files.stat(candidate);
    if (f?.kind === 'file' && isExecutable(f, id)) return candidate;
  }
  return undefined;
}

/** Decides how (and whether) `program` runs as `runAs`. */
export async function prepareScript(
  program: string,
  runAs: ScriptRunAs | undefined,
  ports: ScriptPorts,
): Promise<PreparedScript> {
  if (runAs === undefined) return { run: true, program };
  const resolved = await resolveRunAs(runAs, ports.users, ports.own);
  if (!resolved.ok) return { run: false, reason: resolved.reason };
  const { id } = resolved;
  const path = program.includes('/') ? program : await findInPath(program, id, ports);
  if (path === undefined) return { run: false, reason: `${program} is not found in PATH` };
  const verdict = await scriptVerdict(path, id, runAs.requireSafePath, ports.files);
  if (!verdict.run) return verdict;
  return {
    run: true,
    program: path,
    ...(id.uid === ports.own.uid ? {} : { uid: id.uid }),
    ...(id.gid === ports.own.gid ? {} : { gid: id.gid }),
    ...(verdict.warning === undefined ? {} : { warning: verdict.warning }),
  };
}

/** A script the agent refuses to run, and why (status `errors`, a metric). */
export interface DisabledScript {
  script: string;
  reason: string;
}

/** Verdicts kept per owner object (a new configuration brings new owners, so new verdicts). */
export class PreparedScripts {
  private readonly byOwner = new WeakMap<object, Map<string, Promise<PreparedScript>>>();
  /**
   * The scripts (program and user) whose last verdict disabled them, until a later verdict lets
   * them run (a new configuration of them, after a fix); a script dropped from the configuration
   * is forgotten at the agent's next start.
   */
  private readonly disabledByKey = new Map<string, DisabledScript>();

  constructor(
    private readonly ports: ScriptPorts = hostScriptPorts(),
    private onVerdict: (program: string, prepared: PreparedScript) => void = () => {},
  ) {}

  /** Where disabled scripts and warnings are told (the agent's logger). */
  tellVerdicts(onVerdict: (program: string, prepared: PreparedScript) => void): void {
    this.onVerdict = onVerdict;
  }

  prepare(owner: object, program: string, runAs: ScriptRunAs | undefined): Promise<PreparedScript> {
    let forOwner = this.byOwner.get(owner);
    if (forOwner === undefined) this.byOwner.set(owner, (forOwner = new Map()));
    const key = JSON.stringify([program, runAs]);
    let prepared = forOwner.get(key);
    if (prepared === undefined) {
      prepared = prepareScript(program, runAs, this.ports);
      void prepared.then((p) => {
        if (p.run) this.disabledByKey.delete(key);
        else this.disabledByKey.set(key, { script: program, reason: p.reason });
        if (!p.run || p.warning !== undefined) this.onVerdict(program, p);
      });
      forOwner.set(key, prepared);
    }
    return prepared;
  }

  /** The scripts the agent refuses to run now. */
  disabled(): DisabledScript[] {
    return [...this.disabledByKey.values()];
  }
}

/** `uid`/`gid` spawn options of a prepared script. */
export function identityOptions(p: { uid?: number; gid?: number }): { uid?: number; gid?: number } {
  return {
    ...(p.uid === undefined ? {} : { uid: p.uid }),
    ...(p.gid === undefined ? {} : { gid: p.gid }),
  };
}

/** The agent's verdicts (agent-process.ts points them at its logger). */
export const hostScripts = new PreparedScripts();

/**
 * Runs a hook once (`owner`'s verdict decides whether and as whom), without a shell, killed after
 * `timeoutMs`; resolves with its error, or why it was not run (never rejects).
 */
export async function runHookScript(
  scripts: PreparedScripts,
  owner: object,
  script: string,
  args: readonly string[],
  runAs: ScriptRunAs | undefined,
  timeoutMs: number,
): Promise<Error | undefined> {
  const prepared = await scripts.prepare(owner, script, runAs);
  if (!prepared.run) return new Error(`not run: ${prepared.reason}`);
  const options = {
    ...identityOptions(prepared),
    timeout: timeoutMs,
    killSignal: 'SIGKILL' as const,
  };
  return new Promise((resolve) => {
    execFile(prepared.program, args, options, (e) => resolve(e ?? undefined));
  });
}
