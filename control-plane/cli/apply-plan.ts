/**
 * @module Declarative apply: for each desired object, read the current one, diff the specs, and
 * create or replace it with optimistic concurrency (`If-None-Match: *` to create, `If-Match:
 * <ETag>` to replace), so a concurrent change makes the write fail (exit 4) instead of being lost.
 */
import { stringify } from 'yaml';
import { unifiedDiff } from './diff.js';
import type { ApiClient } from './http-client.js';
import {
  KIND_ORDER,
  KINDS,
  collectionPath,
  describeRef,
  objectPath,
  specOf,
  type ApiObject,
} from './kinds.js';
import type { DesiredObject } from './manifest.js';

export type ApplyAction = 'create' | 'update' | 'unchanged';
export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface PlannedChange {
  object: DesiredObject;
  action: ApplyAction;
  /** The ETag the change is based on (updates). */
  etag: string | undefined;
  diff: string;
}

/** Objects sorted so parents come before children (stable within a kind). */
export function inCreationOrder(objects: readonly DesiredObject[]): DesiredObject[] {
  return [...objects].sort(
    (a, b) => KIND_ORDER.indexOf(a.ref.kind) - KIND_ORDER.indexOf(b.ref.kind),
  );
}

/** Keys sorted at every level, so equal specs render and compare equal. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export const specText = (spec: Record<string, unknown> | undefined) =>
  spec === undefined ? '' : stringify(canonical(spec));

/** Reads the current state of every object and works out what applying would do. */
export async function planChanges(
  client: ApiClient,
  objects: readonly DesiredObject[],
): Promise<PlannedChange[]> {
  const plan: PlannedChange[] = [];
  for (const object of inCreationOrder(objects)) {
    const info = KINDS[object.ref.kind];
    const current = await client.find<ApiObject>(objectPath(object.ref));
    const before = current ? specText(specOf(info, current.body)) : '';
    const name = describeRef(object.ref);
    const diff = unifiedDiff(before, specText(object.spec), {
      before: `${name} (${current ? `current, version ${current.body.resourceVersion}` : 'absent'})`,
      after: `${name} (desired)`,
    });
    const action: ApplyAction = !current ? 'create' : diff === '' ? 'unchanged' : 'update';
    plan.push({ object, action, etag: current?.etag, diff });
  }
  return plan;
}

/** Carries out one planned change and says what it did. */
export async function executeChange(
  client: ApiClient,
  change: PlannedChange,
): Promise<ApplyOutcome> {
  const { ref } = change.object;
  const body = change.object.spec;
  if (change.action === 'unchanged') return 'unchanged';
  if (change.action === 'create' && ref.kind === 'Site') {
    await client.request('POST', collectionPath('Site', undefined), { body });
    return 'created';
  }
  const headers: Record<string, string> =
    change.action === 'create' ? { 'if-none-match': '*' } : { 'if-match': change.etag ?? '*' };
  await client.request('PUT', objectPath(ref), { body, headers });
  return change.action === 'create' ? 'created' : 'updated';
}
