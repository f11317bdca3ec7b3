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
  children?: ConfigNode[] | undefined;
  at: SourcePosition;
  /** Where its block's `}` is (keepalived reports a block's end-of-block checks there). */
  endAt?: SourcePosition | undefined;
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
  const tree = new TreeBuilder();
  expand(text, file, options, diagnostics, (token) => tree.push(token));
  const nodes = tree.finish();
  return { nodes, diagnostics: [...diagnostics, ...tree.diagnostics] };
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

/**
 * Builds the node tree from the token stream as it comes (expand.ts hands over one token at a
 * time): a statement is the words on its keyword's line, up to a brace; a `{` right after a
 * statement opens that statement's block.
 */
class TreeBuilder {
  /** The tree's own problems, after the lexer's (as when the tokens were all read first). */
  readonly diagnostics: KeepalivedDiagnostic[] = [];
  readonly #root: ConfigNode[] = [];
  readonly #stack: Frame[] = [{ children: this.#root }];
  /** The words of the statement being read. */
  #words: Token[] = [];
  /** The statement just ended, when nothing came after it yet: a `{` now opens its block. */
  #ended: ConfigNode | undefined;

  push(token: Token): void {
    if (token.kind === 'word') {
      const first = this.#words[0];
      if (
        first !== undefined &&
        (token.at.file !== first.at.file || token.at.line !== first.at.line)
      )
        this.#endStatement();
      this.#ended = undefined;
      this.#words.push(token);
      return;
    }
    this.#endStatement();
    const ended = this.#ended;
    this.#ended = undefined;
    if (token.kind === 'close') {
      if (this.#stack.length > 1) {
        const closed = this.#stack.pop();
        if (closed?.node !== undefined) closed.node.endAt = token.at;
      }
      // lib/parser.c: "Extra '}' found"; keepalived ignores it and reads on.
      else
        this.diagnostics.push(
          diagnostic('warning', token.at, "extra '}' with no block to close; ignored"),
        );
    } else if (ended !== undefined) {
      ended.children = [];
      this.#stack.push({ children: ended.children, openAt: token.at, node: ended });
    } else {
      this.diagnostics.push(diagnostic('error', token.at, "'{' without a keyword before it"));
      this.#stack.push({ children: [], openAt: token.at });
    }
  }

  /** The tree, once every token is in. */
  finish(): ConfigNode[] {
    this.#endStatement();
    for (const frame of this.#stack.slice(1)) {
      if (frame.openAt !== undefined)
        this.diagnostics.push(
          diagnostic(
            'warning',
            frame.openAt,
            "'{' is never closed; the block ends with the file (as keepalived reads it)",
          ),
        );
    }
    return this.#root;
  }

  #endStatement(): void {
    if (this.#words.length === 0) return;
    const node = makeNode(this.#words);
    (this.#stack[this.#stack.length - 1] as Frame).children.push(node);
    this.#words = [];
    this.#ended = node;
  }
}

/** Shared by every statement without arguments (`TCP_CHECK {`: 10,000 of them at scale). */
const NO_ARGS = Object.freeze([]) as never[];

/**
 * A node has `children` from the start (undefined until a block opens): one object layout for
 * every node, instead of a second one plus a separate property store for each node with a block.
 */
function makeNode(words: Token[]): ConfigNode {
  const [keyword, ...args] = words as [Token, ...Token[]];
  return {
    keyword: keyword.text,
    args: args.length === 0 ? NO_ARGS : args.map((a) => a.text),
    argsAt: args.length === 0 ? NO_ARGS : args.map((a) => a.at),
    rawArgs: args[0]?.rest ?? '',
    at: keyword.at,
    children: undefined,
    endAt: undefined,
  };
}
