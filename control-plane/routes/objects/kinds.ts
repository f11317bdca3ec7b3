/**
 * @module The four kinds of fleet object served by the generic CRUD routes: their table, schema,
 * URL segment, secrets, and how a change to one is validated against the rest of its site.
 */
import { eq } from 'drizzle-orm';
import type { ZodObject } from 'zod';
import {
  DirectorResource,
  DirectorSpec,
  RealServerResource,
  RealServerSpec,
  VirtualServerResource,
  VirtualServerSpec,
  VrrpInstanceResource,
  VrrpInstanceSpec,
  validateRealServers,
  validateSite,
  type Issue,
  type SiteModel,
} from '../../../contract/index.js';
import type { Tx } from '../../db/database.js';
import {
  directors,
  realServers,
  virtualServers,
  vrrpInstances,
  type SpecTable,
} from '../../db/schema.js';
import { loadRealServers, loadSiteModel } from '../../store/site-model.js';
import { readStoredSpec } from '../../store/stored-spec.js';

export type ResourceType = 'director' | 'vrrp-instance' | 'virtual-server' | 'real-server';

export interface Spec {
  name: string;
  [key: string]: unknown;
}

/** What a write changes: the object before (absent on create) and after (absent on delete). */
export interface ObjectChange {
  siteId: string;
  parentId: string | null;
  before?: Spec | undefined;
  after?: Spec | undefined;
}

export interface ObjectKind {
  type: ResourceType;
  /** The URL segment and OpenAPI tag. */
  plural: string;
  table: SpecTable;
  spec: ZodObject;
  /** Fields only the `secrets` permission may read; shown as `********` to others. */
  secretFields: readonly string[];
  /** Fields an operator may change (others need `write`). */
  operatorFields: readonly string[];
  /** Issues the change would cause, with paths relative to the changed object where they point at it. */
  validate(tx: Tx, change: ObjectChange): Promise<Issue[]>;
}

type Collection = 'directors' | 'vrrpInstances' | 'virtualServers';

/**
 * Validates the site with the change applied, then rewrites issue paths: those inside the changed
 * object lose their `collection[i]` prefix; those elsewhere name the object instead of its index.
 */
async function validateSiteChange(
  tx: Tx,
  change: ObjectChange,
  collection: Collection,
): Promise<Issue[]> {
  const model = await loadSiteModel(tx, change.siteId);
  const list = model[collection] as Spec[];
  const name = change.before?.name ?? change.after?.name;
  const rest = list.filter((o) => o.name !== name);
  const changedIndex = change.after ? rest.length : -1;
  const next: Spec[] = change.after ? [...rest, change.after] : rest;
  const site = { ...model, [collection]: next } as SiteModel;
  if (collection === 'virtualServers' && change.after && change.before) {
    const id = model.virtualServerIds.get(change.after.name);
    if (id)
      site.virtualServers[changedIndex]!.realServers = await loadRealServers(tx, change.siteId, id);
  }
  const names: Record<Collection, string[]> = {
    directors: site.directors.map((o) => o.name),
    vrrpInstances: site.vrrpInstances.map((o) => o.name),
    virtualServers: site.virtualServers.map((o) => o.name),
  };
  return validateSite(site).map((issue) => {
    const [head, index, ...tail] = issue.path;
    if (head === collection && index === changedIndex) {
      // Real servers of a changed virtual server are named, not numbered.
      const [sub, rsIndex, ...rest] = tail;
      const rsName =
        sub === 'realServers' && typeof rsIndex === 'number'
          ? site.virtualServers[changedIndex]?.realServers?.[rsIndex]?.name
          : undefined;
      return { ...issue, path: rsName === undefined ? tail : ['realServers', rsName, ...rest] };
    }
    const other =
      typeof head === 'string' && typeof index === 'number'
        ? names[head as Collection]?.[index]
        : undefined;
    return other === undefined ? issue : { ...issue, path: [head as string, other, ...tail] };
  });
}

async function validateRealServerChange(tx: Tx, change: ObjectChange): Promise<Issue[]> {
  if (change.parentId === null || !change.after) return [];
  const [vsRow] = await tx
    .select()
    .from(virtualServers)
    .where(eq(virtualServers.id, change.parentId));
  if (!vsRow) return [];
  const vs = readStoredSpec(VirtualServerSpec, vsRow.spec);
  const name = change.before?.name ?? change.after?.name;
  const rest = (await loadRealServers(tx, change.siteId, vsRow.id)).filter((r) => r.name !== name);
  const list = [...rest, RealServerSpec.parse(change.after)];
  return validateRealServers(vs, list, []).map((issue) => {
    const [index, ...tail] = issue.path;
    if (index === rest.length) return { ...issue, path: tail };
    return {
      ...issue,
      path: ['realServers', list[index as number]?.name ?? String(index), ...tail],
    };
  });
}

export const KINDS: Record<ResourceType, ObjectKind> = {
  director: {
    type: 'director',
    plural: 'directors',
    table: directors,
    spec: DirectorSpec,
    secretFields: [],
    operatorFields: [],
    validate: (tx, change) => validateSiteChange(tx, change, 'directors'),
  },
  'vrrp-instance': {
    type: 'vrrp-instance',
    plural: 'vrrp-instances',
    table: vrrpInstances,
    spec: VrrpInstanceSpec,
    secretFields: ['authPassword'],
    operatorFields: [],
    validate: (tx, change) => validateSiteChange(tx, change, 'vrrpInstances'),
  },
  'virtual-server': {
    type: 'virtual-server',
    plural: 'virtual-servers',
    table: virtualServers,
    spec: VirtualServerSpec,
    secretFields: [],
    operatorFields: [],
    validate: (tx, change) => validateSiteChange(tx, change, 'virtualServers'),
  },
  'real-server': {
    type: 'real-server',
    plural: 'real-servers',
    table: realServers,
    spec: RealServerSpec,
    secretFields: [],
    operatorFields: ['weight', 'adminState'],
    validate: validateRealServerChange,
  },
};

const RESOURCES = {
  director: DirectorResource,
  'vrrp-instance': VrrpInstanceResource,
  'virtual-server': VirtualServerResource,
  'real-server': RealServerResource,
} satisfies Record<ResourceType, ZodObject>;

/** Hides secret fields from callers without the `secrets` permission. */
export function redact(
  kind: Pick<ObjectKind, 'secretFields'>,
  spec: Spec,
  showSecrets: boolean,
): Spec {
  if (showSecrets || kind.secretFields.every((f) => spec[f] === undefined)) return spec;
  const copy = { ...spec };
  for (const field of kind.secretFields) if (copy[field] !== undefined) copy[field] = '********';
  return copy;
}

/** The response shape of an object: its spec plus where it lives and its version. */
export function resourceSchema(kind: ObjectKind): ZodObject {
  return RESOURCES[kind.type];
}
