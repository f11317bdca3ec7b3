/**
 * @module What `keepalived -t` also says about the host, for `--check-config` with
 * `--keepalived-conf`: interfaces that do not exist (keepalived: "Unknown interface!") and scripts
 * that are missing or not executable (lib/notify.c `check_script_secure()`: "Cannot find script …
 * in path", "… is not executable … - disabling"), and with enable_script_security, scripts
 * under a path a non-root user could change (lib/notify.c `check_security()`: "Unsafe permissions
 * found for script … - disabling"). Warnings, each at its keepalived.conf line: the director may
 * be checked before its interfaces or scripts are in place.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import {
  diagnostic,
  type KeepalivedConfig,
  type KeepalivedDiagnostic,
  type SourcePosition,
} from '../../contract/keepalived/index.js';
import type { ScriptUserConf } from '../../contract/keepalived/model.js';
import { SERVICE_PATH } from '../scripts/script-launcher.js';
import { changeableByOthers, fileFacts, pathPrefixes } from '../scripts/script-safety.js';

/** The host as the check sees it (a seam for tests). */
export interface HostView {
  interfaceExists(name: string): boolean;
  /** An absolute path is an executable file, or a bare name is one in PATH. */
  executable(program: string): boolean;
  /**
   * The first component of the program's path (`/`, each directory, the file) that a non-root
   * user could change, or undefined when none is (or the program cannot be found).
   */
  unsafeComponent?(program: string): string | undefined;
  /** getent(1) knows this user (`passwd`) or group (`group`). */
  known?(database: 'passwd' | 'group', name: string): boolean;
}

/**
 * lib/notify.c check_security(): the first of `/`, each directory and the file that a non-root
 * user can change (scripts/script-safety.ts `changeableByOthers()`, the rule the agent applies
 * before it runs a script).
 */
export function unsafePath(path: string): string | undefined {
  // check_script_secure() first resolves the path with realpath() (merged /usr: /bin → usr/bin).
  let real: string;
  try {
    real = join(realpathSync(dirname(path)), basename(path));
  } catch {
    return undefined; // not found: the executable check reports it
  }
  for (const prefix of pathPrefixes(real)) {
    let facts;
    try {
      facts = fileFacts(lstatSync(prefix));
    } catch {
      return undefined; // not found: the executable check reports it
    }
    if (changeableByOthers(facts)) return prefix;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The file a program name runs: itself when it has a slash, else its first hit in PATH. */
function resolveProgram(program: string): string | undefined {
  if (program.includes('/')) return program;
  return SERVICE_PATH.split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, program))
    .find(isExecutable);
}

export const thisHost: HostView = {
  known: (database, name) =>
    spawnSync('getent', [database, name], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  interfaceExists: (name) => existsSync(`/sys/class/net/${name}`),
  executable: (program) =>
    program.includes('/')
      ? isExecutable(program)
      : SERVICE_PATH.split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, program))),
  unsafeComponent: (program) => {
    const path = resolveProgram(program);
    return path === undefined ? undefined : unsafePath(path);
  },
};

/** Host problems of `config`, as warnings. */
export function hostWarnings(config: KeepalivedConfig, host: HostView): KeepalivedDiagnostic[] {
  const out: KeepalivedDiagnostic[] = [];
  const secure = config.globalDefs.enableScriptSecurity;
  const program = (words: readonly string[] | undefined, at: SourcePosition, what: string) => {
    const first = words?.[0];
    // A `</dev/…` test runs through /bin/sh (to-desired-helpers.ts program()).
    if (first === undefined || /^<[ \t]*\//.test(first)) return;
    if (!host.executable(first)) {
      out.push(
        diagnostic('warning', at, `${what}: ${first} is not an executable file here; it will fail`),
      );
      return;
    }
    const unsafe = secure ? host.unsafeComponent?.(first) : undefined;
    if (unsafe !== undefined)
      out.push(
        diagnostic(
          'warning',
          at,
          `${what}: ${unsafe} can be changed by a non-root user (owner not root, or group/world writable); with enable_script_security keepalived disables this script ("Unsafe permissions found for script") when it runs as root, and so does fleetlb: fix the permissions`,
        ),
      );
  };
  for (const v of config.vrrpInstances) {
    const names = [v.interface, ...v.virtualIpaddress.map((a) => a.dev)];
    for (const name of new Set(names))
      if (name !== undefined && !host.interfaceExists(name))
        out.push(diagnostic('warning', v.at, `${v.name}: interface ${name} does not exist here`));
    for (const [key, words] of Object.entries(v.notify))
      program(words, v.at, `${v.name}: notify ${key}`);
  }
  for (const s of config.vrrpScripts) program(s.script, s.at, `vrrp_script ${s.name}`);
  out.push(...unknownScriptUsers(config, host));
  return out;
}

/**
 * Script users and groups this host does not know: keepalived removes those scripts ("Unable to
 * set uid/gid for script"; for script_user, every script without its own user), and the agent
 * disables them (agent/scripts/identity.ts).
 */
function unknownScriptUsers(config: KeepalivedConfig, host: HostView): KeepalivedDiagnostic[] {
  const known = host.known;
  if (known === undefined) return [];
  const users: (ScriptUserConf | undefined)[] = [
    config.globalDefs.scriptUser,
    ...config.vrrpScripts.map((s) => s.user),
    ...config.vrrpInstances.flatMap((v) => Object.values(v.notifyUsers)),
    ...config.virtualServers.flatMap((v) =>
      v.realServers.flatMap((r) => r.checkers.map((k) => k.miscUser)),
    ),
  ];
  return users.flatMap((u) => {
    if (u === undefined) return [];
    const missing = [
      ...(known('passwd', u.user) ? [] : [`user ${u.user}`]),
      ...(u.group === undefined || known('group', u.group) ? [] : [`group ${u.group}`]),
    ];
    return missing.length === 0
      ? []
      : [
          diagnostic(
            'warning',
            u.at,
            `script ${missing.join(' and ')} does not exist here: keepalived removes the scripts run as it, and fleetlb disables them`,
          ),
        ];
  });
}
