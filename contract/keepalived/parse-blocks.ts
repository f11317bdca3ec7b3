/** @module keepalived.conf block parser: the token stream into a tree of keyword nodes. */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import { expand, type ExpandOptions } from './expand.js';
import type { Token } from './lexer.js';

/** One statement: a keyword, its values on the same line, and an optional `{ … }` block. */
export interface ConfigNode {
  keyword: string;
  args: string[];
  /** Where each of `args` starts, for value errors with a column. */
  argsAt: SourcePosition[];
  /** The line as written from the first argument on (decommented), for script commands. */
  rawArgs: string;
  children?: ConfigNode[];
  at: SourcePosition;
  /** Where its block's `}` is (keepalived reports a block's end-of-block checks there). */
  endAt?: SourcePosition;
}

export interface ParseBlocksResult {
  nodes: ConfigNode[];
  diagnostics: KeepalivedDiagnostic[];
}

export type ParseBlocksOptions = ExpandOptions;

interface Frame {
  children: ConfigNode[];
  openAt?: SourcePosition;
  node?: ConfigNode;
}

/** Parses keepalived.conf `text` read from `file` into a node tree. Never throws. */
export function parseBlocks(
  text: string,
  file: string,
  options: ParseBlocksOptions = {},
): ParseBlocksResult {
  const diagnostics: KeepalivedDiagnostic[] = [];
  const tokens = expand(text, file, options, diagnostics);
  return { nodes: buildTree(tokens, diagnostics), diagnostics };
}

/** Reads `path` through `options.source` and parses it. */
export function parseBlocksFile(
  path: string,
  options: ParseBlocksOptions & { source: ExpandOptions['source'] & object },
): ParseBlocksResult {
  const text = options.source.readFile(path);
  if (text !== undefined) return parseBlocks(text, path, options);
  const at = { file: path, line: 1, column: 1 };
  return { nodes: [], diagnostics: [diagnostic('error', at, `cannot read ${path}`)] };
}

function buildTree(tokens: Token[], diagnostics: KeepalivedDiagnostic[]): ConfigNode[] {
  const root: ConfigNode[] = [];
  const stack: Frame[] = [{ children: root }];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const top = stack[stack.length - 1] as Frame;
    if (token.kind === 'close') {
      if (stack.length > 1) {
        const closed = stack.pop();
        if (closed?.node !== undefined) closed.node.endAt = token.at;
      }
      // lib/parser.c: "Extra '}' found"; keepalived ignores it and reads on.
      else
        diagnostics.push(
          diagnostic('warning', token.at, "extra '}' with no block to close; ignored"),
        );
      i++;
    } else if (token.kind === 'open') {
      diagnostics.push(diagnostic('error', token.at, "'{' without a keyword before it"));
      stack.push({ children: [], openAt: token.at });
      i++;
    } else {
      const end = statementEnd(tokens, i);
      const node = makeNode(tokens.slice(i, end));
      top.children.push(node);
      i = end;
      const next = tokens[i];
      if (next?.kind === 'open') {
        node.children = [];
        stack.push({ children: node.children, openAt: next.at, node });
        i++;
      }
    }
  }
  for (const frame of stack.slice(1)) {
    if (frame.openAt !== undefined)
      diagnostics.push(
        diagnostic(
          'warning',
          frame.openAt,
          "'{' is never closed; the block ends with the file (as keepalived reads it)",
        ),
      );
  }
  return root;
}

/** A statement is the words on the keyword's line, up to a brace. */
function statementEnd(tokens: Token[], start: number): number {
  const first = tokens[start] as Token;
  let end = start + 1;
  for (;;) {
    const t = tokens[end];
    if (t === undefined || t.kind !== 'word') return end;
    if (t.at.file !== first.at.file || t.at.line !== first.at.line) return end;
    end++;
  }
}

function makeNode(words: Token[]): ConfigNode {
  const [keyword, ...args] = words as [Token, ...Token[]];
  return {
    keyword: keyword.text,
    args: args.map((a) => a.text),
    argsAt: args.map((a) => a.at),
    rawArgs: args[0]?.rest ?? '',
    at: keyword.at,
  };
}
