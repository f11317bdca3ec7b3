/**
 * @module keepalived.conf lexer: one file's text into tokens (words, quoted strings, braces),
 * comments dropped, as keepalived 2.2 reads a line: lib/parser.c `decomment()` (a `#` or `!`
 * outside double quotes starts a comment; `\#` and `\!` stand for the characters) and then
 * `alloc_strvec_r()` (whitespace separates words; a word starting with `"` runs to the next `"`,
 * with no escapes). A single quote is an ordinary character, and so is `//`: keepalived reads
 * `// don't` as the unknown keyword `//`. Script lines are split again later, with keepalived's
 * quoting and escapes (script-words.ts), from each token's `rest`: the line as written from there.
 */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';

/** A word (possibly quoted), an opening brace or a closing brace. */
export interface Token {
  kind: 'word' | 'open' | 'close';
  text: string;
  /** True when the word was quoted (so `"{"` is a word, not a brace). */
  quoted: boolean;
  at: SourcePosition;
  /** The rest of the (decommented) line from this token on, for re-splitting script commands. */
  rest: string;
}

/** The tokens of one physical line. */
export interface LexedLine {
  line: number;
  tokens: Token[];
}

export interface LexResult {
  lines: LexedLine[];
  diagnostics: KeepalivedDiagnostic[];
}

const WHITESPACE = new Set([' ', '\t', '\f', '\v', '\r']);

/** Splits `text` into lines of tokens (each line decommented first, as keepalived does). */
export function lex(text: string, file: string): LexResult {
  const diagnostics: KeepalivedDiagnostic[] = [];
  const lines = text.split('\n').map((source, index) => ({
    line: index + 1,
    tokens: lexLine(decomment(source).text, file, index + 1, diagnostics),
  }));
  return { lines: lines.filter((l) => l.tokens.length > 0), diagnostics };
}

/**
 * keepalived's `decomment()` (lib/parser.c): the line up to its first `#` or `!` outside double
 * quotes, with `\#` and `\!` (outside quotes) unescaped; `continued` when it ends in a backslash.
 */
export function decomment(source: string): { text: string; continued: boolean } {
  let out = '';
  let quote = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (ch === '"') quote = !quote;
    else if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) return { text: out.trimEnd(), continued: true };
      if (!quote && (next === '#' || next === '!')) {
        out += next;
        i++;
        continue;
      }
      out += ch + next;
      i++;
      continue;
    } else if (!quote && (ch === '#' || ch === '!')) break;
    out += ch;
  }
  return { text: out.trimEnd(), continued: false };
}

/** The tokens of one decommented line. */
export function lexLine(
  source: string,
  file: string,
  line: number,
  diagnostics: KeepalivedDiagnostic[],
): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    const at = { file, line, column: i + 1 };
    if (WHITESPACE.has(ch)) i++;
    else if (ch === '{' || ch === '}') {
      const kind = ch === '{' ? 'open' : 'close';
      tokens.push({ kind, text: ch, quoted: false, at, rest: source.slice(i) });
      i++;
    } else if (ch === '"') {
      const close = source.indexOf('"', i + 1);
      if (close < 0) {
        // alloc_strvec_r(): "Unmatched quote"; the rest of the line is not read.
        const msg = 'unmatched " quote: the rest of the line is ignored (as keepalived does)';
        diagnostics.push(diagnostic('warning', at, msg));
        break;
      }
      const text = source.slice(i + 1, close);
      tokens.push({ kind: 'word', text, quoted: true, at, rest: source.slice(i) });
      i = close + 1;
    } else {
      let end = i;
      while (end < source.length) {
        const c = source[end] ?? '';
        if (WHITESPACE.has(c) || c === '{' || c === '}' || c === '"') break;
        end++;
      }
      const text = source.slice(i, end);
      tokens.push({ kind: 'word', text, quoted: false, at, rest: source.slice(i) });
      i = end;
    }
  }
  return tokens;
}
