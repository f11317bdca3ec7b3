/**
 * @module What a write of a VRRP instance will disturb, told to the caller before it happens to
 * the directors: an edit that changes the identity of the virtual router on a director
 * (interface, VRID, family, version; contract/vrrp-identity.ts) re-creates it there, and it
 * re-elects. Every other edit is applied in place by the agents. The answer carries one HTTP
 * `Warning` per such write, in the form Kubernetes' API server uses for its warnings
 * (`299 - "text"`, the warn-code and syntax of RFC 7234 §5.5), which kubectl and our CLI print.
 */
import { reelections, type VrrpInstanceSpec } from '../../../contract/index.js';
import type { ObjectKind, Spec } from './kinds.js';

export function reelectionWarnings(
  kind: ObjectKind,
  before: Spec | undefined,
  after: Spec | undefined,
): string[] {
  if (kind.type !== 'vrrp-instance' || before === undefined || after === undefined) return [];
  const list = reelections(before as VrrpInstanceSpec, after as VrrpInstanceSpec);
  if (list.length === 0) return [];
  const where = list.map((r) => `${r.director} (${r.fields.join(', ')} changed)`).join(', ');
  return [
    `VRRP instance ${after.name} re-elects on ${where}: its identity changed, so it is re-created there and its VIPs go to the winner of a new election`,
  ];
}

/** The value of one `Warning` header (RFC 7234 §5.5: warn-code 299, no agent, quoted text). */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/["\\]/g, '\\$&')}"`;
}
