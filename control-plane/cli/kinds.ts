/**
 * @module The object kinds the CLI reads and writes: their names and aliases on the command
 * line, manifest `kind`, API paths and table columns. (The zod specs live in manifest.ts: the
 * contract is loaded only by the commands that validate objects.)
 */
import type { SERVER_FIELDS, SiteResource } from '../../contract/object-resource.js';
import { usageError } from './exit-codes.js';
import { formatLabels, type Column } from './table.js';

/** The manifests' apiVersion (contract/desired-state.ts API_VERSION; not imported, to keep the
 * contract out of commands that only read). */
export const MANIFEST_API_VERSION = 'fleetlb/v1';

export type ManifestKind = 'Site' | 'Director' | 'VrrpInstance' | 'VirtualServer' | 'RealServer';

/**
 * An object as the API returns it (contract/object-resource.ts: `DirectorResource`…), read
 * generically: its spec plus where it lives and its `resourceVersion`.
 */
export type ApiObject = Record<string, unknown> &
  Pick<SiteResource, 'name'> &
  Partial<Pick<SiteResource, 'resourceVersion'>>;

/** Where an object lives: its site (not for sites) and virtual server (real servers only). */
export interface ObjectRef {
  kind: ManifestKind;
  name: string;
  site?: string | undefined;
  virtualServer?: string | undefined;
}

export interface KindInfo {
  kind: ManifestKind;
  plural: string;
  aliases: readonly string[];
  /** Fields the API adds to the spec (never part of a manifest's spec). */
  serverFields: readonly string[];
  columns: readonly Column<ApiObject>[];
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const labels: Column<ApiObject> = {
  header: 'LABELS',
  value: (o) => formatLabels(o.labels as Record<string, string>),
};
const name: Column<ApiObject> = { header: 'NAME', value: (o) => o.name };
const common = [
  'resourceVersion',
  'createdAt',
  'updatedAt',
] as const satisfies typeof SERVER_FIELDS;

function service(o: ApiObject): string {
  if (o.fwmark !== undefined) return `fwmark ${str(o.fwmark)}/${str(o.family)}`;
  const host = str(o.address).includes(':') ? `[${str(o.address)}]` : str(o.address);
  return `${host}:${str(o.port)}/${str(o.protocol)}`;
}

export const KINDS: Record<ManifestKind, KindInfo> = {
  Site: {
    kind: 'Site',
    plural: 'sites',
    aliases: ['site', 'sites'],
    serverFields: [...common, 'revision'],
    columns: [name, { header: 'REVISION', value: (o) => str(o.revision) }, labels],
  },
  Director: {
    kind: 'Director',
    plural: 'directors',
    aliases: ['director', 'directors', 'dir'],
    serverFields: [...common, 'site'],
    columns: [
      name,
      { header: 'ADDRESS', value: (o) => str(o.address) },
      { header: 'METRICS', value: (o) => str(o.metricsAddress) },
      labels,
    ],
  },
  VrrpInstance: {
    kind: 'VrrpInstance',
    plural: 'vrrp-instances',
    aliases: ['vrrp-instance', 'vrrp-instances', 'vrrp', 'vi'],
    serverFields: [...common, 'site'],
    columns: [
      name,
      { header: 'VRID', value: (o) => str(o.vrid) },
      { header: 'INTERFACE', value: (o) => str(o.interface) },
      {
        header: 'VIPS',
        value: (o) => (o.vips as { address: string }[]).map((v) => v.address).join(','),
      },
      {
        header: 'MEMBERS',
        value: (o) =>
          (o.members as { director: string; priority: number }[])
            .map((m) => `${m.director}:${m.priority}`)
            .join(','),
      },
    ],
  },
  VirtualServer: {
    kind: 'VirtualServer',
    plural: 'virtual-servers',
    aliases: ['virtual-server', 'virtual-servers', 'vs'],
    serverFields: [...common, 'site'],
    columns: [
      name,
      { header: 'SERVICE', value: service },
      { header: 'SCHEDULER', value: (o) => str(o.scheduler) },
      { header: 'FORWARDING', value: (o) => str(o.forwarding) },
      { header: 'VRRP', value: (o) => str(o.vrrpInstance) },
      labels,
    ],
  },
  RealServer: {
    kind: 'RealServer',
    plural: 'real-servers',
    aliases: ['real-server', 'real-servers', 'rs'],
    serverFields: [...common, 'site', 'virtualServer'],
    columns: [
      { header: 'VIRTUAL-SERVER', value: (o) => str(o.virtualServer) },
      name,
      { header: 'ADDRESS', value: (o) => `${str(o.address)}:${str(o.port)}` },
      { header: 'WEIGHT', value: (o) => str(o.weight) },
      { header: 'STATE', value: (o) => str(o.adminState) },
      labels,
    ],
  },
};

/** Kinds in the order they must be created (and the reverse of deletion). */
export const KIND_ORDER: readonly ManifestKind[] = [
  'Site',
  'Director',
  'VrrpInstance',
  'VirtualServer',
  'RealServer',
];

export const KIND_NAMES_HELP =
  'sites, directors, vrrp-instances (vrrp), virtual-servers (vs), real-servers (rs)';

/** The kind a command-line word names (`vs`, `real-servers`, `Director`…). */
export function kindFromWord(word: string): KindInfo {
  const lower = word.toLowerCase();
  const found = Object.values(KINDS).find(
    (k) => k.aliases.includes(lower) || k.kind.toLowerCase() === lower,
  );
  if (!found) throw usageError(`unknown kind ${word}: use one of ${KIND_NAMES_HELP}`);
  return found;
}

/** The collection path of a kind under `ref`'s parents. */
export function collectionPath(
  kind: ManifestKind,
  site: string | undefined,
  virtualServer?: string,
): string {
  if (kind === 'Site') return '/v1/sites';
  const s = `/v1/sites/${encodeURIComponent(need(site, 'a site (--site)'))}`;
  if (kind !== 'RealServer') return `${s}/${KINDS[kind].plural}`;
  const vs = encodeURIComponent(need(virtualServer, 'a virtual server (--virtual-server)'));
  return `${s}/virtual-servers/${vs}/real-servers`;
}

export function objectPath(ref: ObjectRef): string {
  return `${collectionPath(ref.kind, ref.site, ref.virtualServer)}/${encodeURIComponent(ref.name)}`;
}

/** `RealServer ams1/web-http/web1`, how messages name an object. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${[ref.site, ref.virtualServer, ref.name].filter((p) => p !== undefined).join('/')}`;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw usageError(`this needs ${what}`);
  return value;
}

/** The spec part of an API object (without the fields the server adds). */
export function specOf(info: KindInfo, object: ApiObject): Record<string, unknown> {
  const spec: Record<string, unknown> = { ...object };
  for (const field of info.serverFields) delete spec[field];
  return spec;
}

/** An API object as a manifest (what `get -o yaml --manifest` prints and `apply` reads back). */
export function toManifest(info: KindInfo, object: ApiObject, spec: Record<string, unknown>) {
  const { name: _name, labels, description, ...rest } = spec;
  const metadata: Record<string, unknown> = { name: object.name };
  if (info.kind !== 'Site') metadata.site = object.site;
  if (info.kind === 'RealServer') metadata.virtualServer = object.virtualServer;
  if (labels !== undefined && Object.keys(labels as object).length > 0) metadata.labels = labels;
  if (description !== undefined) metadata.description = description;
  return { apiVersion: MANIFEST_API_VERSION, kind: info.kind, metadata, spec: rest };
}
