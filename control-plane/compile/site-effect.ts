/**
 * @module What a change of a site does to each director: both versions of the site compiled to
 * each director's document (compile/desired-state.ts), compared without their revision, and the
 * instance sets classified the way the agent will apply them (contract/vrrp-identity.ts: a
 * re-created instance re-elects). Pure: the dry runs of every write, the bulk apply and a
 * rollback share it.
 */
import {
  classifyInstanceSet,
  type DesiredState,
  type DirectorEffect,
} from '../../contract/index.js';
import { jsonEqual } from '../../contract/json-equal.js';
import { compileDesiredState, type SiteSnapshot } from './desired-state.js';

const withoutRevision = (doc: DesiredState) => ({ ...doc, revision: 0 });

function virtualServerChanges(before: DesiredState | undefined, after: DesiredState | undefined) {
  const old = new Map((before?.virtualServers ?? []).map((vs) => [vs.name, vs]));
  const next = new Map((after?.virtualServers ?? []).map((vs) => [vs.name, vs]));
  return {
    added: [...next.keys()].filter((name) => !old.has(name)),
    removed: [...old.keys()].filter((name) => !next.has(name)),
    changed: [...next.keys()].filter(
      (name) => old.has(name) && !jsonEqual(old.get(name), next.get(name)),
    ),
  };
}

/** One entry per director whose document differs between the two snapshots, in name order. */
export function directorEffects(before: SiteSnapshot, after: SiteSnapshot): DirectorEffect[] {
  const names = [...new Set([...before.directors, ...after.directors].map((d) => d.name))].sort();
  const effects: DirectorEffect[] = [];
  for (const director of names) {
    const old = compileDesiredState(before, director);
    const next = compileDesiredState(after, director);
    if (old && next && jsonEqual(withoutRevision(old), withoutRevision(next))) continue;
    const instances = classifyInstanceSet(old?.vrrpInstances ?? [], next?.vrrpInstances ?? []);
    effects.push({
      director,
      document: !old ? 'added' : !next ? 'removed' : 'changed',
      vrrpInstances: {
        start: instances.start,
        stop: instances.stop,
        recreate: instances.recreate,
        inPlace: instances.inPlace,
      },
      virtualServers: virtualServerChanges(old, next),
    });
  }
  return effects;
}

/** The VRRP instances that re-elect, one entry per director, from the effects. */
export function reelectionsOf(effects: readonly DirectorEffect[]) {
  return effects.flatMap((e) =>
    e.vrrpInstances.recreate.map((r) => ({
      instance: r.name,
      director: e.director,
      fields: r.fields,
    })),
  );
}
