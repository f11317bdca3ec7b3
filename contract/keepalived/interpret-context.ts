/** @module Shared machinery of the keepalived interpreters: value readers and table-driven block walking. */
import { addressFamily } from '../ip.js';
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import type { ConfigNode } from './parse-blocks.js';
import { scriptLine } from './script-words.js';
import type { ScriptUserConf } from './model.js';

/** Collects diagnostics while interpreting. */
export interface Ctx {
  diagnostics: KeepalivedDiagnostic[];
  /**
   * The track_file names defined so far: keepalived resolves a FILE_CHECK's track_file when it
   * reads it (check_file.c `track_file_handler()`), so only earlier blocks count.
   */
  trackFilesDefined?: ReadonlySet<string>;
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

/** A handler that refuses a keyword fleetlb cannot run without changing what it means. */
export function refused<T>(why: string): Handler<T> {
  return (node, _target, ctx) => error(ctx, node.at, `'${node.keyword}' ${why}`);
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

/**
 * keepalived's lenient unsigned read (lib/parser.c `read_unsigned_func()` with `ignore_error`, as
 * a running keepalived uses it): strtoul(3) reads the leading digits (none: 0) and trailing text
 * is only a warning. `undefined` (with a warning) when the value is out of `[min, max]`: the
 * handler then keeps its default, as keepalived's do.
 */
export function lenientUnsigned(
  node: ConfigNode,
  ctx: Ctx,
  min: number,
  max: number,
): number | undefined {
  const text = str(node, ctx);
  if (text === undefined) return undefined;
  const digits = /^\s*(\d*)/.exec(text)?.[1] ?? '';
  const value = digits === '' ? 0 : Number(digits);
  if (value < min || value > max) {
    warn(
      ctx,
      argAt(node, 0),
      `'${node.keyword}' ${text} is outside ${min}-${max}; keepalived ignores it, so does fleetlb`,
    );
    return undefined;
  }
  if (!/^\s*\d+$/.test(text))
    warn(
      ctx,
      argAt(node, 0),
      `'${node.keyword}' ${text} is not a whole number; keepalived reads it as ${value}, so does fleetlb`,
    );
  return value;
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

/**
 * keepalived's `<BOOL>` (lib/parser.c `check_true_false()`, case-sensitive): a bare keyword means
 * true; on|off|true|false|yes|no. Anything else is reported and the line ignored, as keepalived's
 * handlers do: `undefined`.
 */
export function bool(node: ConfigNode, ctx: Ctx): boolean | undefined {
  const text = node.args[0];
  if (text === undefined || TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  warn(
    ctx,
    argAt(node, 0),
    `'${node.keyword}' takes on|off|true|false|yes|no, not '${text}'; keepalived ignores the line, so does fleetlb`,
  );
  return undefined;
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

/**
 * A script keyword's command as keepalived runs it (script-words.ts): `script`, `misc_path` and
 * `quorum_up`-style keywords ignore words after the command (lib/notify.c
 * `set_script_params_array()` reads only the first), a notify script reads them as the user and
 * group to run it as (`notify_script_init()`, read by `notifyUser`). A line that does not split is ignored, as keepalived
 * ignores it.
 */
export function command(
  node: ConfigNode,
  ctx: Ctx,
  kind: 'script' | 'notify',
): string[] | undefined {
  const line = scriptLine(node.rawArgs);
  if (line === undefined) {
    warn(
      ctx,
      node.at,
      `'${node.keyword}': unbalanced quote or trailing backslash; keepalived ignores the line, so does fleetlb`,
    );
    return undefined;
  }
  if (line.words.length === 0) return void error(ctx, node.at, `'${node.keyword}' needs a value`);
  const first = line.words.join(' ');
  if (kind === 'script' && line.extra.length > 0)
    warn(
      ctx,
      argAt(node, 1),
      `'${node.keyword}': keepalived runs only '${first}' and ignores '${line.extra.join(' ')}' (quote the whole command line to pass arguments); so does fleetlb`,
    );
  return line.words;
}

/**
 * `USER [GROUP]` as keepalived 2.2's core/notify.c set_uid_gid() reads it. A GROUP starting with
 * ':' (supplementary groups, in keepalived after 2.2) is a group name to keepalived 2.2; such a
 * group seldom exists, and then the script is disabled, as keepalived 2.2 removes it.
 */
export function scriptUser(
  words: readonly string[],
  at: SourcePosition,
  ctx: Ctx,
): ScriptUserConf | undefined {
  const [user, group] = words;
  if (user === undefined) return undefined;
  if (group?.startsWith(':') === true)
    warn(
      ctx,
      at,
      `'${user} ${group}': keepalived 2.2 looks up a group named '${group}' (the ':' for supplementary groups came after 2.2); where none exists it removes the script ("Unable to set uid/gid"), and fleetlb disables it`,
    );
  return group === undefined ? { user, at } : { user, group, at };
}

/** The `USER [GROUP]` after a notify line's command (core/notify.c notify_script_init()). */
export function notifyUser(node: ConfigNode, ctx: Ctx): ScriptUserConf | undefined {
  const line = scriptLine(node.rawArgs);
  if (line === undefined || line.extra.length === 0) return undefined;
  if (line.extra.length > 2)
    warn(
      ctx,
      argAt(node, 3),
      `'${node.keyword}': keepalived ignores '${line.extra.slice(2).join(' ')}' after the user and group (quote the whole command line to pass arguments); so does fleetlb`,
    );
  return scriptUser(line.extra, argAt(node, 1), ctx);
}

/** Assigns only defined values (for `exactOptionalPropertyTypes`). */
export function set<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
