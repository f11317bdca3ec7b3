/**
 * @module One line per director whose document a change (a dry run, a rollback) alters: what
 * starts, stops, re-elects (a re-created VRRP instance) or changes in place.
 */
import type { DirectorEffect } from '../../contract/preview.js';

export function directorEffectLines(effects: readonly DirectorEffect[], dryRun: boolean): string[] {
  return effects.map((e) => {
    const parts: string[] = [];
    const { vrrpInstances: i, virtualServers: v } = e;
    if (i.start.length > 0) parts.push(`VRRP ${i.start.join(', ')} start`);
    if (i.stop.length > 0) parts.push(`VRRP ${i.stop.join(', ')} stop`);
    for (const r of i.recreate) parts.push(`VRRP ${r.name} re-elects (${r.fields.join(', ')})`);
    for (const r of i.inPlace) parts.push(`VRRP ${r.name} ${r.fields.join(', ')}`);
    if (v.added.length > 0) parts.push(`+${v.added.join(', +')}`);
    if (v.removed.length > 0) parts.push(`-${v.removed.join(', -')}`);
    if (v.changed.length > 0) parts.push(`~${v.changed.join(', ~')}`);
    const verb =
      e.document === 'changed'
        ? dryRun
          ? 'document would change'
          : 'document changes'
        : `director ${dryRun ? 'would be ' : ''}${e.document}`;
    return `${e.director}: ${verb}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
  });
}
