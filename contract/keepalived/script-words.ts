/**
 * @module keepalived's script command lines. A script keyword's line is split again with
 * lib/parser.c `alloc_strvec_quoted_escaped()` (single and double quotes, backslash escapes
 * `\n \t \xHH \cX \NNN …`); lib/notify.c `set_script_params_array()` then splits the first
 * word of that once more into the program and its arguments. So `script "killall -0 haproxy"` runs
 * `killall -0 haproxy`, while `script killall -0 haproxy` runs `killall` alone; a notify script's
 * second and third words are the user and group to run it as (`notify_script_init()`).
 */

const WHITE = /[ \t\f\n\r\v]/;
const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** `alloc_strvec_quoted_escaped()`: words with quotes and escapes; `undefined` when unbalanced. */
export function splitQuotedEscaped(src: string): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && WHITE.test(src[i] ?? '')) i++;
    if (i >= src.length) break;
    let word = '';
    let quote: string | undefined;
    while (i < src.length) {
      const ch = src[i] ?? '';
      if (quote === undefined && WHITE.test(ch)) break;
      if (ch === quote) {
        quote = undefined;
        i++;
      } else if (quote === undefined && (ch === '"' || ch === "'")) {
        quote = ch;
        i++;
      } else if (ch === '\\') {
        const escaped = unescape(src, i + 1);
        if (escaped === undefined) return undefined;
        word += escaped.text;
        i = escaped.end;
      } else {
        word += ch;
        i++;
      }
    }
    if (quote !== undefined) return undefined;
    words.push(word);
  }
  return words;
}

/** One escape after a backslash at `i`: keepalived's `\xHH`, `\cX`, octal and letter escapes. */
function unescape(src: string, i: number): { text: string; end: number } | undefined {
  const ch = src[i];
  if (ch === undefined) return undefined;
  const hex = /^x([0-9a-fA-F]+)/.exec(src.slice(i));
  if (hex !== null)
    return {
      text: String.fromCharCode(parseInt(hex[1] ?? '0', 16) & 0xff),
      end: i + hex[0].length,
    };
  if (ch === 'c' && i + 1 < src.length)
    return { text: String.fromCharCode((src.charCodeAt(i + 1) ?? 0) & 0x1f), end: i + 2 };
  const octal = /^[0-7]{1,3}/.exec(src.slice(i));
  if (octal !== null)
    return { text: String.fromCharCode(parseInt(octal[0], 8) & 0xff), end: i + octal[0].length };
  return { text: ESCAPES[ch] ?? ch, end: i + 1 };
}

/** What a script keyword's line means to keepalived. */
export interface ScriptLine {
  /** The program and its arguments (empty when the line has no command). */
  words: string[];
  /** Words keepalived reads after the command: the user and group (notify), or nothing. */
  extra: string[];
}

/** Splits the text after a script keyword (`rawArgs`) as keepalived does; `undefined` if unbalanced. */
export function scriptLine(rawArgs: string): ScriptLine | undefined {
  const line = splitQuotedEscaped(rawArgs);
  if (line === undefined) return undefined;
  const [command = '', ...extra] = line;
  const words = splitQuotedEscaped(command);
  if (words === undefined) return undefined;
  return { words, extra };
}
