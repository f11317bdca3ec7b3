/**
 * @module The uid:gid a script runs as (keepalived core/notify.c `set_uid_gid()` and
 * `get_default_script_user()`): the named user with its primary group, or the named group; no
 * user named: `keepalived_script` if it exists, else the agent's own uid:gid, except that with
 * enable_script_security a missing `keepalived_script` disables the script ("Unable to set default
 * user keepalived_script"). An unknown user or group disables the script, as keepalived removes
 * it. No supplementary groups: node's spawn (libuv) calls setgroups(0, NULL) when it changes uid,
 * as keepalived does by default.
 */
import { execFile } from 'node:child_process';
import type { ScriptRunAs } from '../../contract/script-run-as.js';
import type { Identity } from './script-safety.js';

/** User and group look-ups (getent(1), so NSS sources count, in production; a map in tests). */
export interface UserDirectory {
  user(name: string): Promise<Identity | undefined>;
  group(name: string): Promise<number | undefined>;
}

const DEFAULT_USER = 'keepalived_script';

function getent(database: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('getent', [database, name], { timeout: 10_000 }, (error, stdout) => {
      const line = error === null ? stdout.split('\n')[0] : undefined;
      resolve(line === undefined || line === '' ? undefined : line.split(':'));
    });
  });
}

/** getent(1) look-ups. */
export const getentDirectory: UserDirectory = {
  async user(name) {
    const fields = await getent('passwd', name);
    const uid = Number(fields?.[2]);
    const gid = Number(fields?.[3]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  },
  async group(name) {
    const gid = Number((await getent('group', name))?.[2]);
    return Number.isInteger(gid) ? gid : undefined;
  },
};

export type ResolvedIdentity = { ok: true; id: Identity } | { ok: false; reason: string };

/** The identity `runAs` names, resolved now (keepalived resolves it when it loads the config). */
export async function resolveRunAs(
  runAs: ScriptRunAs,
  users: UserDirectory,
  own: Identity,
): Promise<ResolvedIdentity> {
  let id: Identity;
  if (runAs.user === undefined) {
    const fallback = await users.user(DEFAULT_USER);
    if (fallback === undefined && runAs.requireSafePath)
      return {
        ok: false,
        reason: `no script user given and the default user ${DEFAULT_USER} does not exist (keepalived removes the script with enable_script_security)`,
      };
    id = fallback ?? own;
  } else {
    const user = await users.user(runAs.user);
    if (user === undefined)
      return { ok: false, reason: `script user ${runAs.user} does not exist` };
    id = user;
  }
  if (runAs.group === undefined) return { ok: true, id };
  const gid = await users.group(runAs.group);
  if (gid === undefined) return { ok: false, reason: `script group ${runAs.group} does not exist` };
  return { ok: true, id: { uid: id.uid, gid } };
}
