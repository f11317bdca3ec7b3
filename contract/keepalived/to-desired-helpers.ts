/** @module Helpers for mapping the keepalived model onto fleetlb's desired state: names, units, warnings. */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';

/** Collects "fleetlb cannot express this" warnings while mapping. */
export interface MapCtx {
  warnings: KeepalivedDiagnostic[];
}

export function lossy(ctx: MapCtx, at: SourcePosition, message: string): void {
  ctx.warnings.push(diagnostic('warning', at, message));
}

/** A fleetlb resource name (`[a-z0-9._-]`, 1-63, alphanumeric ends) from a keepalived name. */
export function toName(text: string, fallback: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name === '' ? fallback : name;
}

/** Seconds to whole milliseconds, clamped into `[min, max]`. */
export function secondsToMs(s: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(s * 1000)));
}

/** A command line split into its program and arguments (keepalived splits on whitespace). */
export function splitCommand(command: string): { path: string; args: string[] } {
  const [path = '', ...args] = command.trim().split(/\s+/);
  return { path, args };
}

/** A persistence_granularity netmask (`255.255.255.0`) or prefix length (`64`) as a prefix length. */
export function granularityPrefix(text: string): number | undefined {
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const bytes = text.split('.').map(Number);
  if (bytes.length !== 4 || bytes.some((b) => !(b >= 0 && b <= 255))) return undefined;
  const bits = bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}
