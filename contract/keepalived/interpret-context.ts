/** @module Shared machinery of the keepalived interpreters: value readers and table-driven block walking. */
import { addressFamily } from '../ip.js';
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import type { ConfigNode } from './parse-blocks.js';

/** Collects diagnostics while interpreting. */
export interface Ctx {
  diagnostics: KeepalivedDiagnostic[];
}

export function warn(ctx: Ctx, at: SourcePosition, message: string): void {
  ctx.diagnostics.push(diagnostic('warning', at, message));
}

export function error(ctx: Ctx, at: SourcePosition, message: string): void {
  ctx.diagnostics.push(diagnostic('error', at, message));
}

/** A keyword handler: reads `node` into `target`. */
export type Handler<T> = (node: ConfigNode, target: T, ctx: Ctx) => void;

/** Runs the handler for each child by keyword; unknown keywords are warnings, never errors. */
export function walk<T>(
  nodes: readonly ConfigNode[] | undefined,
  table: Readonly<Record<string, Handler<T>>>,
  target: T,
  ctx: Ctx,
  where: string,
): void {
  for (const node of nodes ?? []) {
    const handler = Object.hasOwn(table, node.keyword) ? table[node.keyword] : undefined;
    if (handler !== undefined) handler(node, target, ctx);
    else
      warn(ctx, node.at, `unknown or unsupported keyword '${node.keyword}' in ${where}; ignored`);
  }
}

/** A handler that accepts a keyword and ignores it with a warning. */
export function ignored<T>(why: string): Handler<T> {
  return (node, _target, ctx) => warn(ctx, node.at, `'${node.keyword}' ${why}; ignored`);
}

/** Position of argument `index`, or of the keyword when it is missing. */
export function argAt(node: ConfigNode, index: number): SourcePosition {
  return node.argsAt[index] ?? node.at;
}

/** The string argument at `index`; an error when it is missing. */
export function str(node: ConfigNode, ctx: Ctx, index = 0): string | undefined {
  const value = node.args[index];
  if (value === undefined) error(ctx, node.at, `'${node.keyword}' needs a value`);
  return value;
}

/** An integer in `[min, max]`; an error (with the value's column) otherwise. */
export function int(
  node: ConfigNode,
  ctx: Ctx,
  min: number,
  max: number,
  index = 0,
): number | undefined {
  const text = str(node, ctx, index);
  if (text === undefined) return undefined;
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  error(
    ctx,
    argAt(node, index),
    `'${node.keyword}' must be an integer ${min}-${max}, not '${text}'`,
  );
  return undefined;
}

/** A non-negative time in (possibly fractional) seconds. */
export function seconds(node: ConfigNode, ctx: Ctx, index = 0): number | undefined {
  const text = str(node, ctx, index);
  if (text === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  error(ctx, argAt(node, index), `'${node.keyword}' must be a time in seconds, not '${text}'`);
  return undefined;
}

const TRUE = new Set(['on', 'true', 'yes']);
const FALSE = new Set(['off', 'false', 'no']);

/** keepalived's `<BOOL>`: a bare keyword means true; on|off|true|false|yes|no. */
export function bool(node: ConfigNode, ctx: Ctx): boolean {
  const text = node.args[0];
  if (text === undefined || TRUE.has(text.toLowerCase())) return true;
  if (FALSE.has(text.toLowerCase())) return false;
  error(ctx, argAt(node, 0), `'${node.keyword}' must be on|off|true|false|yes|no, not '${text}'`);
  return true;
}

/** An IPv4 or IPv6 address (keepalived writes no brackets). */
export function address(node: ConfigNode, ctx: Ctx, index = 0): string | undefined {
  const text = str(node, ctx, index);
  if (text === undefined) return undefined;
  if (addressFamily(text) !== undefined) return text;
  error(ctx, argAt(node, index), `'${text}' is not an IP address`);
  return undefined;
}

/** The text after the keyword, joined (for script command lines written unquoted). */
export function rest(node: ConfigNode, ctx: Ctx): string | undefined {
  if (node.args.length === 0) return str(node, ctx);
  return node.args.join(' ');
}

/** Assigns only defined values (for `exactOptionalPropertyTypes`). */
export function set<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
