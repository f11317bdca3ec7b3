/**
 * @module What `keepalived -t` also says about the host, for `--check-config` with
 * `--keepalived-conf`: interfaces that do not exist (keepalived: "Unknown interface!") and scripts
 * that are missing or not executable (lib/notify.c `check_script_secure()`: "Cannot find script …
 * in path", "… is not executable … - disabling"). Warnings, each at its keepalived.conf line: the
 * director may be checked before its interfaces or scripts are in place.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  diagnostic,
  type KeepalivedConfig,
  type KeepalivedDiagnostic,
  type SourcePosition,
} from '../../contract/keepalived/index.js';

/** The host as the check sees it (a seam for tests). */
export interface HostView {
  interfaceExists(name: string): boolean;
  /** An absolute path is an executable file, or a bare name is one in PATH. */
  executable(program: string): boolean;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** systemd's PATH for services, which the agent's unit (and so its scripts) runs with. */
const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const thisHost: HostView = {
  interfaceExists: (name) => existsSync(`/sys/class/net/${name}`),
  executable: (program) =>
    program.includes('/')
      ? isExecutable(program)
      : SERVICE_PATH.split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, program))),
};

/** Host problems of `config`, as warnings. */
export function hostWarnings(config: KeepalivedConfig, host: HostView): KeepalivedDiagnostic[] {
  const out: KeepalivedDiagnostic[] = [];
  const program = (words: readonly string[] | undefined, at: SourcePosition, what: string) => {
    const first = words?.[0];
    // A `</dev/…` test runs through /bin/sh (to-desired-helpers.ts program()).
    if (first === undefined || /^<[ \t]*\//.test(first) || host.executable(first)) return;
    out.push(
      diagnostic('warning', at, `${what}: ${first} is not an executable file here; it will fail`),
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
  return out;
}
