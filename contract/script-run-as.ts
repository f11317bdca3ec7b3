/**
 * @module Who a script runs as (keepalived `script_user USER [GROUP]`, a vrrp_script's or
 * MISC_CHECK's `user USER [GROUP]`, a notify line's trailing `USER [GROUP]`) and whether it must
 * be safe to run (keepalived `enable_script_security`). Semantics from keepalived's
 * core/notify.c: `set_uid_gid()` (the user's primary group unless GROUP is given; no
 * supplementary groups), `get_default_script_user()` (`keepalived_script` if that user exists,
 * else the daemon's own user) and `check_script_secure()` / `check_security()`.
 */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import { Text } from './common.js';

/** A user or group name as getpwnam(3)/getgrnam(3) take it (no blank or '/'). */
export const SystemName = Text(64)
  .regex(/^[^\s/]{1,64}$/, 'must be a user or group name (no "/" or blanks)')
  .meta({ example: 'keepalived_script' });

export const ScriptRunAs = strictObject({
  user: SystemName.optional().meta({
    description:
      "Absent: keepalived's default, the user keepalived_script if it exists on the director, else the agent's own user",
  }),
  group: SystemName.optional().meta({ description: "Absent: the user's primary group" }),
  requireSafePath: z.boolean().default(false).meta({
    description:
      'keepalived enable_script_security: a script that would run as root (uid or gid 0, or set-uid/gid root) is not run when it, or a directory on its path, can be changed by a non-root user. Without it such a script runs, with a warning',
  }),
}).meta({
  id: 'ScriptRunAs',
  description:
    "The user and group a script runs as (resolved on the director when the configuration loads: an unknown user or group disables the script, as keepalived removes it). Absent: the agent's own user, unchecked",
});
export type ScriptRunAs = z.output<typeof ScriptRunAs>;
