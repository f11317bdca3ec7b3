/**
 * @module Who each script runs as, written back as keepalived reads it (to-desired-run-as.ts is
 * the reverse): a script without `runAs` (the agent's user, root) says `root`, one with a user
 * says `USER [GROUP]`, one with keepalived's default says nothing. keepalived has one
 * `enable_script_security` for all scripts: written when any script asks for it, with a warning
 * on the scripts that did not (keepalived checks them too).
 */
import type { DesiredState } from '../desired-state.js';
import type { ScriptRunAs } from '../script-run-as.js';
import { type DocPath, type RenderCtx, warn, word } from './render-text.js';

/** The `USER [GROUP]` words for a script, or none for keepalived's default user. */
export function runAsWords(
  runAs: ScriptRunAs | undefined,
  path: DocPath,
  ctx: RenderCtx,
): string[] {
  if (runAs === undefined) return ['root'];
  if (runAs.user === undefined) {
    if (runAs.group !== undefined)
      warn(
        ctx,
        [...path, 'runAs', 'group'],
        'unsupported',
        "keepalived cannot give its default script user another group: the group is not written (the script runs with keepalived_script's or root's)",
      );
    return [];
  }
  const user = word(ctx, [...path, 'runAs', 'user'], runAs.user);
  return runAs.group === undefined
    ? [user]
    : [user, word(ctx, [...path, 'runAs', 'group'], runAs.group)];
}

/** Every script of the document with its path and `runAs`. */
function scripts(doc: DesiredState): { path: DocPath; runAs: ScriptRunAs | undefined }[] {
  const out: { path: DocPath; runAs: ScriptRunAs | undefined }[] = [];
  doc.vrrpInstances.forEach((inst, i) => {
    inst.trackedChecks.forEach((t, j) => {
      if (t.type === 'script')
        out.push({ path: ['vrrpInstances', i, 'trackedChecks', j], runAs: t.runAs });
    });
    for (const key of ['master', 'backup', 'fault', 'stop', 'any'] as const)
      if (inst.notify[key] !== undefined)
        out.push({ path: ['vrrpInstances', i, 'notify', key], runAs: inst.notify.runAs?.[key] });
  });
  doc.virtualServers.forEach((vs, v) =>
    vs.realServers.forEach((rs, r) =>
      rs.checks.forEach((c, k) => {
        if (c.type === 'script')
          out.push({ path: ['virtualServers', v, 'realServers', r, 'checks', k], runAs: c.runAs });
      }),
    ),
  );
  // notify_up/notify_down and quorum_up/quorum_down.
  doc.virtualServers.forEach((vs, v) => {
    const hooks = [
      { at: ['virtualServers', v, 'quorumNotify'], h: vs.quorumNotify },
      ...vs.realServers.map((rs, r) => ({
        at: ['virtualServers', v, 'realServers', r, 'notify'],
        h: rs.notify,
      })),
    ];
    for (const { at, h } of hooks)
      for (const key of ['up', 'down'] as const)
        if (h?.[key] !== undefined) out.push({ path: [...at, key], runAs: h.runAs?.[key] });
  });
  return out;
}

/** `enable_script_security` when a script asks for it; warnings on those it changes. */
export function scriptSecurityLines(doc: DesiredState, ctx: RenderCtx): string[] {
  const all = scripts(doc);
  if (!all.some((s) => s.runAs?.requireSafePath === true)) return [];
  for (const s of all)
    if (s.runAs?.requireSafePath !== true)
      warn(
        ctx,
        [...s.path, 'runAs'],
        'unsupported',
        'keepalived has one enable_script_security for all scripts: this one is checked too (not run if a non-root user can change it while it runs as root)',
      );
  return ['enable_script_security'];
}
