/**
 * @module keepalived.conf text for the renderer: quoting words, writing seconds, indenting
 * blocks, and the warnings the renderer collects about what keepalived cannot carry.
 */

/**
 * - `unsupported`: keepalived (2.2, as Debian ships it) cannot do this; the output leaves it out or
 *   approximates it, so the director would behave differently.
 * - `not-reimported`: keepalived does it and the output says so, but fleetlb's keepalived importer
 *   (`toDesiredState`) does not read it back.
 * - `normalized`: same behaviour, written in a form that imports back differently (names keepalived
 *   has no place for, defaults made explicit).
 */
export type RenderWarningKind = 'unsupported' | 'not-reimported' | 'normalized';

export interface RenderWarning {
  /** Where in the document, as validation issues carry it (`['virtualServers', 0, 'name']`). */
  path: (string | number)[];
  kind: RenderWarningKind;
  message: string;
}

export type DocPath = (string | number)[];

/** Collects warnings while rendering. */
export interface RenderCtx {
  warnings: RenderWarning[];
}

export function warn(
  ctx: RenderCtx,
  path: DocPath,
  kind: RenderWarningKind,
  message: string,
): void {
  ctx.warnings.push({ path, kind, message });
}

/** A statement line, or a `head { … }` block. */
export type ConfLine = string | ConfBlock;
export interface ConfBlock {
  head: string;
  body: ConfLine[];
}

export function block(head: string, body: ConfLine[]): ConfBlock {
  return { head, body };
}

const INDENT = '    ';

/** The lines of `items`, blocks indented by four spaces per level (as keepalived's samples). */
export function renderLines(items: readonly ConfLine[], depth = 0): string[] {
  const pad = INDENT.repeat(depth);
  return items.flatMap((item) =>
    typeof item === 'string'
      ? [`${pad}${item}`]
      : [`${pad}${item.head} {`, ...renderLines(item.body, depth + 1), `${pad}}`],
  );
}

/** Words both readers take as they are: no quote, comment, brace, blank or `@`/`$` prefix. */
const BARE = /^[A-Za-z0-9_.:/+=,%-][A-Za-z0-9_.:/+=,%@-]*$/;
/** Words fleetlb's importer would take as an include directive at the start of a line. */
const INCLUDE = /^include[rmwba]?$/;
/** keepalived 2.2 quotes with `"…"` and no escapes: a double quote, a backslash (its escape and
 * line-continuation character) or a control character cannot be carried, nor a lone brace. */
const KEEPALIVED_UNQUOTABLE = /["\\]/;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` as one configuration word: bare when safe, else in double quotes (escaped for fleetlb's lexer). */
export function quote(text: string): string {
  if (BARE.test(text) && !INCLUDE.test(text)) return text;
  const escaped = text.replace(/["\\\n\r\t]/g, (c) => ESCAPES[c] ?? `\\${c}`);
  return `"${escaped}"`;
}

/** True when `text` holds an ASCII control character (keepalived reads line by line, unescaped). */
export function hasControlCharacter(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f');
}

/** True when keepalived reads `quote(text)` back as `text`. */
export function keepalivedReadable(text: string): boolean {
  return (
    !KEEPALIVED_UNQUOTABLE.test(text) && !hasControlCharacter(text) && text !== '{' && text !== '}'
  );
}

/** `quote(text)`, with an `unsupported` warning when keepalived would misread it. */
export function word(ctx: RenderCtx, path: DocPath, text: string): string {
  if (!keepalivedReadable(text))
    warn(
      ctx,
      path,
      'unsupported',
      `${JSON.stringify(text)}: keepalived cannot read a double quote, backslash or control character in a value`,
    );
  return quote(text);
}

/** An exact decimal: `whole` units of `scale` parts (`decimal(1500, 1000)` is `1.5`). */
function decimal(parts: number, scale: number): string {
  const whole = Math.floor(parts / scale);
  const fraction = parts % scale;
  if (fraction === 0) return `${whole}`;
  const digits = String(scale).length - 1;
  return `${whole}.${String(fraction).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Milliseconds as keepalived seconds (`2500` → `2.5`). */
export function msToSeconds(ms: number): string {
  return decimal(ms, 1000);
}

/** Centiseconds as keepalived seconds (`5` → `0.05`). */
export function csToSeconds(cs: number): string {
  return decimal(cs, 100);
}

/**
 * Whole seconds for keywords keepalived 2.2 reads as integers (vrrp_script interval/timeout,
 * misc_timeout): rounded, at least 1, with an `unsupported` warning when that changes the value.
 */
export function wholeSeconds(ctx: RenderCtx, path: DocPath, ms: number, keyword: string): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds * 1000 !== ms)
    warn(
      ctx,
      path,
      'unsupported',
      `keepalived's ${keyword} is whole seconds: ${ms} ms → ${seconds} s`,
    );
  return `${seconds}`;
}
