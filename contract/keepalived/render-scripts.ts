/**
 * @module keepalived.conf script command lines and the `vrrp_script` blocks behind tracked
 * script checks: names are global in keepalived, so instances share a definition by name.
 */
import type { ScriptRunAs } from '../script-run-as.js';
import { runAsWords } from './render-run-as.js';
import type { DirectorVrrpInstance, TrackedCheck } from '../vrrp-instance.js';
import {
  block,
  type ConfBlock,
  type DocPath,
  quote,
  type RenderCtx,
  warn,
  wholeSeconds,
} from './render-text.js';

/** A word keepalived's splitting leaves as it is (printable, no blank, quote or backslash). */
function plainWord(word: string): boolean {
  return (
    /^[^\s"'\\]+$/.test(word) && ![...word].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\x7f')
  );
}

/** The escapes of lib/parser.c alloc_strvec_quoted_escaped(): quote, backslash, control characters. */
function escapeWord(word: string): string {
  if (plainWord(word)) return word;
  const body = [...word]
    .map((ch) => {
      if (ch === '\\' || ch === "'") return `\\${ch}`;
      const code = ch.charCodeAt(0);
      // Octal, always three digits: keepalived's \x reads as many hex digits as follow.
      if (ch === '"' || code < 0x20 || code === 0x7f)
        return `\\${code.toString(8).padStart(3, '0')}`;
      return ch;
    })
    .join('');
  return `'${body}'`;
}

/**
 * A program and its arguments as the one double-quoted word keepalived wants
 * (`"/bin/check --fast"`: keepalived takes a second word as the user to run it as). keepalived
 * splits that word twice (script-words.ts), so each word is escaped for the inner split and the
 * result's backslashes once more for the outer one: any word survives, blanks and quotes included.
 */
export function scriptCommand(
  _ctx: RenderCtx,
  _path: DocPath,
  program: string,
  args: readonly string[],
): string {
  const inner = [program, ...args].map(escapeWord).join(' ');
  return `"${inner.replace(/\\/g, '\\\\')}"`;
}

/** A notify-style line: `KEYWORD "PROGRAM ARGS…" [USER [GROUP]]`, or none without a script. */
export function hookLine(
  keyword: string,
  script: string | undefined,
  args: readonly string[] | undefined,
  runAs: ScriptRunAs | undefined,
  path: DocPath,
  ctx: RenderCtx,
): string[] {
  if (script === undefined) return [];
  const command = scriptCommand(ctx, path, script, args ?? []);
  return [[keyword, command, ...runAsWords(runAs, path, ctx)].join(' ')];
}

type ScriptCheck = Extract<TrackedCheck, { type: 'script' }>;

/** The `vrrp_script` blocks of a document and the name each tracked script check refers to. */
export interface VrrpScripts {
  blocks: ConfBlock[];
  /** The vrrp_script name of `vrrpInstances[i].trackedChecks[j]`. */
  nameOf(instance: number, check: number): string | undefined;
}

/** What keepalived keeps in a vrrp_script (the weight goes on the track_script line). */
function definition(c: ScriptCheck): string {
  const { path, args, intervalMs, timeoutMs, rise, fall, runAs } = c;
  return JSON.stringify({ path, args, intervalMs, timeoutMs, rise, fall, runAs });
}

function scriptBlock(name: string, c: ScriptCheck, path: DocPath, ctx: RenderCtx): ConfBlock {
  return block(`vrrp_script ${quote(name)}`, [
    `script ${scriptCommand(ctx, path, c.path, c.args)}`,
    `interval ${wholeSeconds(ctx, [...path, 'intervalMs'], c.intervalMs, 'vrrp_script interval')}`,
    `timeout ${wholeSeconds(ctx, [...path, 'timeoutMs'], c.timeoutMs, 'vrrp_script timeout')}`,
    `rise ${c.rise}`,
    `fall ${c.fall}`,
    ...userLine(runAsWords(c.runAs, path, ctx)),
  ]);
}

/** A vrrp_script's or MISC_CHECK's `user USER [GROUP]`; none for keepalived's default user. */
export function userLine(words: readonly string[]): string[] {
  return words.length === 0 ? [] : [`user ${words.join(' ')}`];
}

/** One vrrp_script per distinct tracked script; a name reused with another definition is renamed. */
export function collectVrrpScripts(
  instances: readonly DirectorVrrpInstance[],
  ctx: RenderCtx,
): VrrpScripts {
  const byName = new Map<string, string>(); // vrrp_script name -> definition
  const refs = new Map<string, string>(); // "i/j" -> vrrp_script name
  const blocks: ConfBlock[] = [];
  instances.forEach((inst, i) =>
    inst.trackedChecks.forEach((c, j) => {
      if (c.type !== 'script') return;
      const path = ['vrrpInstances', i, 'trackedChecks', j];
      const def = definition(c);
      let name = c.name;
      for (let n = 2; byName.has(name) && byName.get(name) !== def; n++) name = `${c.name}-${n}`;
      if (name !== c.name)
        warn(
          ctx,
          [...path, 'name'],
          'normalized',
          `vrrp_script names are global and ${c.name} is defined differently elsewhere: written as ${name}`,
        );
      if (!byName.has(name)) {
        byName.set(name, def);
        blocks.push(scriptBlock(name, c, path, ctx));
      }
      refs.set(`${i}/${j}`, name);
    }),
  );
  return { blocks, nameOf: (i, j) => refs.get(`${i}/${j}`) };
}
