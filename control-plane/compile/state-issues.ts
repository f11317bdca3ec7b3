/**
 * @module Whether a whole version of a site would be accepted today (a rollback's target): each
 * object against its schema, each address a rollback changes against the rules for addresses
 * (contract/address-use.ts), and the whole site against the site's rules (contract/validate.ts).
 * Issue paths name objects: `directors.lb1.address`. Pure.
 */
import {
  addressIssues,
  DirectorSpec,
  fieldIssues,
  RealServerSpec,
  SiteSpec,
  validateSite,
  VirtualServerSpec,
  VrrpInstanceSpec,
  type Issue,
} from '../../contract/index.js';
import { contentsOf, type KeyedDiff, type SiteState, type StateSpec } from './site-state.js';

const SCHEMAS = {
  site: SiteSpec,
  director: DirectorSpec,
  'vrrp-instance': VrrpInstanceSpec,
  'virtual-server': VirtualServerSpec,
  'real-server': RealServerSpec,
} as const;

const COLLECTION = {
  site: [],
  director: ['directors'],
  'vrrp-instance': ['vrrpInstances'],
  'virtual-server': ['virtualServers'],
  'real-server': ['virtualServers'],
} as const;

function pathOf(d: KeyedDiff): (string | number)[] {
  if (d.resourceType === 'real-server') return ['virtualServers', d.parent, 'realServers', d.name];
  return [...COLLECTION[d.resourceType], ...(d.resourceType === 'site' ? [] : [d.name])];
}

export function stateIssues(
  siteName: string,
  target: SiteState,
  diffs: readonly KeyedDiff[],
): Issue[] {
  const issues: Issue[] = [];
  for (const d of diffs) {
    if (!d.after) continue;
    const parsed = SCHEMAS[d.resourceType].safeParse(d.after);
    if (!parsed.success)
      issues.push(
        ...fieldIssues(parsed.error).map((i) => ({ ...i, path: [...pathOf(d), ...i.path] })),
      );
    const before = d.before as StateSpec | undefined;
    for (const i of addressIssues(d.resourceType, d.after as StateSpec, before))
      issues.push({ ...i, path: [...pathOf(d), ...i.path] });
  }
  if (issues.length > 0) return issues;
  const contents = contentsOf(siteName, target);
  return validateSite(contents).map((issue) => {
    const [head, index, ...tail] = issue.path;
    const list =
      head === 'directors' || head === 'vrrpInstances' || head === 'virtualServers'
        ? (contents[head] as { name: string; realServers?: { name: string }[] }[])
        : undefined;
    const object = typeof index === 'number' ? list?.[index] : undefined;
    if (!object) return issue;
    const [sub, rsIndex, ...rest] = tail;
    const rs =
      sub === 'realServers' && typeof rsIndex === 'number'
        ? object.realServers?.[rsIndex]
        : undefined;
    return {
      ...issue,
      path: rs
        ? [head as string, object.name, 'realServers', rs.name, ...rest]
        : [head as string, object.name, ...tail],
    };
  });
}
