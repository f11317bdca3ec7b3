/** @module keepalived.conf lexer: one file's text into tokens (words, quoted strings, braces), comments dropped. */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';

/** A word (possibly built from quoted parts), an opening brace or a closing brace. */
export interface Token {
  kind: 'word' | 'open' | 'close';
  text: string;
  /** True when any part of the word was quoted (so `"{"` is a word, not a brace). */
  quoted: boolean;
  at: SourcePosition;
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
const COMMENT = new Set(['#', '!']);
const ESCAPES = new Map<string, string>([
  ['a', '\x07'],
  ['b', '\b'],
  ['E', '\x1b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['v', '\v'],
]);

/** Splits `text` into lines of tokens. keepalived's rules: whitespace separates words; `#` and `!`
 * start a comment anywhere outside quotes; `{` and `}` are tokens of their own; `"` and `'` quote
 * parts of a word (`ab"c d"e` is the single word `abc de`), with shell-like backslash escapes. */
export function lex(text: string, file: string): LexResult {
  const diagnostics: KeepalivedDiagnostic[] = [];
  const lines = text.split('\n').map((source, index) => ({
    line: index + 1,
    tokens: lexLine(source, file, index + 1, diagnostics),
  }));
  return { lines: lines.filter((l) => l.tokens.length > 0), diagnostics };
}

function lexLine(
  source: string,
  file: string,
  line: number,
  diagnostics: KeepalivedDiagnostic[],
): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (WHITESPACE.has(ch)) i++;
    else if (COMMENT.has(ch)) break;
    else if (ch === '{' || ch === '}') {
      const at = { file, line, column: i + 1 };
      tokens.push({ kind: ch === '{' ? 'open' : 'close', text: ch, quoted: false, at });
      i++;
    } else {
      const word = lexWord(source, i, { file, line, column: i + 1 }, diagnostics);
      tokens.push(word.token);
      i = word.end;
      if (word.commentFollows) break;
    }
  }
  return tokens;
}

interface WordScan {
  token: Token;
  end: number;
  commentFollows: boolean;
}

function lexWord(
  source: string,
  start: number,
  at: SourcePosition,
  diagnostics: KeepalivedDiagnostic[],
): WordScan {
  let text = '';
  let quoted = false;
  let i = start;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (WHITESPACE.has(ch) || ch === '{' || ch === '}') break;
    if (COMMENT.has(ch)) {
      return { token: { kind: 'word', text, quoted, at }, end: i, commentFollows: true };
    }
    if (ch === '"' || ch === "'") {
      quoted = true;
      const part = lexQuoted(source, i, ch);
      if (!part.closed) {
        const where = { ...at, column: i + 1 };
        diagnostics.push(diagnostic('error', where, `unterminated ${ch} quote`));
      }
      text += part.text;
      i = part.end;
    } else {
      text += ch;
      i++;
    }
  }
  return { token: { kind: 'word', text, quoted, at }, end: i, commentFollows: false };
}

/** Reads a quoted part starting at the opening quote; `end` is just past the closing quote. */
function lexQuoted(
  source: string,
  open: number,
  quote: string,
): { text: string; end: number; closed: boolean } {
  let text = '';
  let i = open + 1;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === quote) return { text, end: i + 1, closed: true };
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1] ?? '';
      text += ESCAPES.get(next) ?? next;
      i += 2;
    } else {
      text += ch;
      i++;
    }
  }
  return { text, end: i, closed: false };
}
