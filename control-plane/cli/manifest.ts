/**
 * @module Manifests: YAML (multi-document) or JSON files of objects in the form
 * `{apiVersion: fleetlb/v1, kind, metadata: {name, site, virtualServer, labels, description}, spec}`,
 * validated with the contract's schemas (which also fill in defaults, so a manifest compares
 * equal to what the API stores).
 */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import {
  API_VERSION,
  DirectorSpec,
  RealServerSpec,
  SiteSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
  addressIssues,
  fieldIssues,
  formatPath,
  strictObject,
  suggestField,
} from '../../contract/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { KINDS, type ManifestKind, type ObjectRef } from './kinds.js';

/** What the API shows instead of a secret to callers who may not read it. */
const REDACTED = '********';

/** The contract schema of each kind: validation and defaults. */
const SPECS: Record<ManifestKind, z.ZodObject> = {
  Site: SiteSpec,
  Director: DirectorSpec,
  VrrpInstance: VrrpInstanceSpec,
  VirtualServer: VirtualServerSpec,
  RealServer: RealServerSpec,
};

/** One object a manifest asks for: where it lives and its full spec (defaults applied). */
export interface DesiredObject {
  ref: ObjectRef;
  spec: Record<string, unknown>;
  /**
   * The spec as the manifest wrote it (no defaults filled in): what the bulk apply receives, so
   * that a real server's weight or adminState left out keeps the value the deploy verbs set.
   */
  written: Record<string, unknown>;
  /** Where it came from, for messages: `file.yaml#2`. */
  source: string;
}

const MANIFEST_KINDS = Object.keys(KINDS) as [ManifestKind, ...ManifestKind[]];

/** The envelope; strict like the specs, so a typo'd `metdata` or `lables` is named, not dropped. */
const Manifest = strictObject({
  apiVersion: z.literal(API_VERSION).optional(),
  kind: z.enum(MANIFEST_KINDS, {
    error: (issue) => {
      if (issue.input === undefined) return 'a manifest needs a kind';
      const guess = suggestField(String(issue.input), MANIFEST_KINDS);
      const hint = guess === undefined ? '' : ` (did you mean ${guess}?)`;
      return `unknown kind ${JSON.stringify(issue.input)}${hint}: one of ${MANIFEST_KINDS.join(', ')}`;
    },
  }),
  metadata: strictObject({
    name: z.string(),
    site: z.string().optional(),
    virtualServer: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    description: z.string().optional(),
  }),
  spec: z.record(z.string(), z.unknown()).default({}),
});

/** Parses manifest text: YAML documents, each an object or a list of objects (JSON is YAML). */
export function parseManifests(text: string, file: string, defaultSite?: string): DesiredObject[] {
  const documents = parseAllDocuments(text);
  const raw: { value: unknown; source: string }[] = [];
  for (const [index, document] of (Array.isArray(documents) ? documents : [documents]).entries()) {
    const where = `${file}#${index + 1}`;
    if (document.errors.length > 0)
      throw new CliError(EXIT.error, `${where}: ${document.errors[0]!.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (Array.isArray(value))
      value.forEach((v, i) => raw.push({ value: v, source: `${where}[${i}]` }));
    else raw.push({ value, source: where });
  }
  return raw.map(({ value, source }) => fromManifest(value, source, defaultSite));
}

function fromManifest(value: unknown, source: string, defaultSite?: string): DesiredObject {
  const manifest = Manifest.safeParse(value);
  if (!manifest.success) throw invalidManifest(source, manifest.error, []);
  const { kind, metadata, spec } = manifest.data;
  const site = kind === 'Site' ? undefined : (metadata.site ?? defaultSite);
  if (kind !== 'Site' && site === undefined)
    throw new CliError(
      EXIT.error,
      `${source}: ${kind} ${metadata.name} needs metadata.site (or --site)`,
    );
  if (kind === 'RealServer' && metadata.virtualServer === undefined)
    throw new CliError(
      EXIT.error,
      `${source}: RealServer ${metadata.name} needs metadata.virtualServer`,
    );
  const ref: ObjectRef = {
    kind,
    name: metadata.name,
    site,
    virtualServer: kind === 'RealServer' ? metadata.virtualServer : undefined,
  };
  const { labels, description } = metadata;
  return desiredObject(
    ref,
    {
      ...spec,
      ...(labels === undefined ? {} : { labels }),
      ...(description === undefined ? {} : { description }),
    },
    source,
  );
}

/** Validates `spec` for `ref` with the contract schema, defaults applied. */
export function desiredObject(
  ref: ObjectRef,
  spec: Record<string, unknown>,
  source: string,
): DesiredObject {
  if (spec.authPassword === REDACTED) {
    throw new CliError(
      EXIT.error,
      `${source} (${ref.kind} ${ref.name}): authPassword is the API's redaction mark (${REDACTED}), not a password: put the real password in the manifest (leaving it out removes it)`,
    );
  }
  const parsed = SPECS[ref.kind].safeParse({ ...spec, name: ref.name });
  if (!parsed.success)
    throw invalidManifest(`${source} (${ref.kind} ${ref.name})`, parsed.error, ['spec']);
  const checked = parsed.data as Record<string, unknown>;
  const unusable = addressIssues(RESOURCE_TYPES[ref.kind], checked);
  if (unusable.length > 0)
    throw new CliError(
      EXIT.error,
      `${source} (${ref.kind} ${ref.name}): invalid manifest${unusable.map((i) => `\n  ${formatPath(['spec', ...i.path])}: ${i.message}`).join('')}`,
    );
  return { ref, spec: checked, written: { ...spec, name: ref.name }, source };
}

/** The API's resource type of each kind (what `addressIssues` takes). */
const RESOURCE_TYPES: Record<ManifestKind, string> = {
  Site: 'site',
  Director: 'director',
  VrrpInstance: 'vrrp-instance',
  VirtualServer: 'virtual-server',
  RealServer: 'real-server',
};

/** Fields of a spec that a manifest writes in its metadata. */
const METADATA_FIELDS = new Set(['name', 'labels', 'description']);

/**
 * `file.yaml#2 (RealServer web1): invalid manifest` and one line per problem, at its path in the
 * manifest (`spec.checks[0].intervall: unknown field "intervall" (did you mean "intervalMs"?)`).
 */
function invalidManifest(source: string, error: z.ZodError, prefix: string[]): CliError {
  const lines = fieldIssues(error).map(({ path, message }) => {
    const head = prefix.length > 0 && METADATA_FIELDS.has(String(path[0])) ? ['metadata'] : prefix;
    return `\n  ${formatPath([...head, ...path]) || '(document)'}: ${message}`;
  });
  return new CliError(EXIT.error, `${source}: invalid manifest${lines.join('')}`);
}
