/** @module keepalived.conf pre-processing: `include` splicing, `@id` conditional lines, `$NAME=` definitions and their use. */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import { decomment, lexLine, type Token } from './lexer.js';
import { dirname, isGlobPattern, resolvePath } from './paths.js';

/** How the parser reads files; the caller owns all I/O (contract/ stays pure). */
export interface ConfigSource {
  /** The file's text, or `undefined` when it cannot be read. */
  readFile(path: string): string | undefined;
  /** Expands a glob pattern to matching paths; without it, wildcard includes are a warning. */
  glob?(pattern: string): string[];
}

export interface ExpandOptions {
  source?: ConfigSource;
  /** keepalived's config id (`-i ID`; keepalived defaults it to the host name's first label, so
   * callers should pass that): `@ID` lines apply, `@^ID` lines do not. Unset: `@x` lines are
   * dropped and `@^x` lines kept. */
  configId?: string;
  /** Nested include limit; keepalived users rarely go past 3. */
  maxIncludeDepth?: number;
}

/** The include keyword and its variants (includer, includem, includew, includeb, includea). */
const INCLUDE_KEYWORDS = new Set([
  'include',
  'includer',
  'includem',
  'includew',
  'includeb',
  'includea',
]);
export const DEFAULT_MAX_INCLUDE_DEPTH = 16;

interface Context {
  options: ExpandOptions;
  diagnostics: KeepalivedDiagnostic[];
  stack: string[];
  /** `$NAME=` definitions seen so far (keepalived's are global: they carry into includes). */
  defs: Map<string, string[]>;
  emit: (token: Token) => void;
}

/**
 * Lexes `text` (from `file`) and splices in included files: one token stream, handed to `emit`
 * token by token as each line is read, so no array of a large file's tokens is ever built (a
 * keepalived.conf of 10,000 real servers has 133,000 tokens, 20 MB of heap as an array).
 */
export function expand(
  text: string,
  file: string,
  options: ExpandOptions,
  diagnostics: KeepalivedDiagnostic[],
  emit: (token: Token) => void,
): void {
  expandFile(text, file, { options, diagnostics, stack: [file], defs: new Map(), emit });
}

function expandFile(text: string, file: string, ctx: Context): void {
  const physical = text.split('\n');
  for (let index = 0; index < physical.length; index++) {
    const line = index + 1;
    const { text: decommented, continued } = decomment(physical[index] ?? '');
    const definition = DEFINITION.exec(decommented.trimStart());
    if (definition !== null) {
      // lib/parser.c check_definition(): `$NAME=TEXT`; a trailing `\` continues it onto the
      // next lines, which then expand to several lines.
      const value = [definition[2] ?? ''];
      let more = continued;
      while (more && index + 1 < physical.length) {
        index++;
        const next = decomment(physical[index] ?? '');
        value.push(next.text.trim());
        more = next.continued;
      }
      ctx.defs.set(
        definition[1] ?? '',
        value.map((v) => v.trim()).filter((v) => v !== ''),
      );
      continue;
    }
    const lines = substitute(decommented, ctx.defs, { file, line, column: 1 }, ctx);
    for (const source of lines) {
      const tokens = applyCondition(
        lexLine(source, file, line, ctx.diagnostics),
        ctx.options.configId,
      );
      const first = tokens[0];
      if (first === undefined) continue;
      if (first.kind === 'word' && !first.quoted && INCLUDE_KEYWORDS.has(first.text)) {
        expandInclude(tokens, file, ctx);
      } else for (const token of tokens) ctx.emit(token);
    }
  }
}

const DEFINITION = /^\$([A-Za-z_]\w*)=(.*)$/;
const REFERENCE = /\$(\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g;

/**
 * lib/parser.c replace_param(): `$NAME` and `${NAME}` become the definition's text (a multi-line
 * definition standing alone on its line becomes its lines). The built-ins are keepalived's:
 * `_PWD` (keepalived chdir()s to each file's directory while reading it), `_INSTANCE` (the config
 * id), `_HASH` and `_BANG`; an unknown name (a shell variable in a script, say) is left as written, as keepalived leaves it.
 */
function substitute(
  text: string,
  defs: Map<string, string[]>,
  at: SourcePosition,
  ctx: Context,
): string[] {
  if (!text.includes('$')) return [text];
  const builtin = (name: string): string[] | undefined => {
    if (name === '_PWD') return [dirname(at.file)];
    if (name === '_INSTANCE')
      return ctx.options.configId === undefined ? undefined : [ctx.options.configId];
    if (name === '_HASH') return ['#'];
    if (name === '_BANG') return ['!'];
    return undefined;
  };
  const whole = /^\s*\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))\s*$/.exec(text);
  const alone = whole === null ? undefined : defs.get(whole[1] ?? whole[2] ?? '');
  if (alone !== undefined && alone.length > 1) return alone;
  const result = text.replace(
    REFERENCE,
    (match: string, _b: string, braced?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      const value = defs.get(name) ?? builtin(name);
      if (value === undefined) return match;
      return value.join(' ');
    },
  );
  return [result];
}

/** Drops the line when its `@ID`/`@^ID` prefix does not select it; strips the prefix otherwise. */
function applyCondition(tokens: Token[], configId: string | undefined): Token[] {
  const first = tokens[0];
  if (first === undefined || first.quoted || !first.text.startsWith('@')) return tokens;
  const negated = first.text.startsWith('@^');
  const id = first.text.slice(negated ? 2 : 1);
  const matches = configId !== undefined && id === configId;
  return matches !== negated ? tokens.slice(1) : [];
}

function expandInclude(tokens: Token[], file: string, ctx: Context): void {
  const [keyword, pattern] = tokens;
  if (keyword === undefined) return;
  if (pattern === undefined || pattern.kind !== 'word') {
    ctx.diagnostics.push(diagnostic('error', keyword.at, `${keyword.text} needs a file name`));
    return;
  }
  const target = resolvePath(dirname(file), pattern.text);
  for (const path of includePaths(target, pattern.at, ctx)) includeOne(path, pattern.at, ctx);
}

function includePaths(target: string, at: SourcePosition, ctx: Context): string[] {
  if (!isGlobPattern(target)) return [target];
  const glob = ctx.options.source?.glob;
  if (glob === undefined) {
    ctx.diagnostics.push(diagnostic('warning', at, `cannot expand wildcard include ${target}`));
    return [];
  }
  const matches = [...glob(target)].sort();
  if (matches.length === 0)
    ctx.diagnostics.push(diagnostic('warning', at, `include ${target} matches no file`));
  return matches;
}

function includeOne(path: string, at: SourcePosition, ctx: Context): void {
  const limit = ctx.options.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
  if (ctx.stack.includes(path)) {
    const chain = [...ctx.stack, path].join(' → ');
    ctx.diagnostics.push(diagnostic('error', at, `include cycle: ${chain}`));
    return;
  }
  if (ctx.stack.length > limit) {
    ctx.diagnostics.push(diagnostic('error', at, `includes nested deeper than ${limit}: ${path}`));
    return;
  }
  const text = ctx.options.source?.readFile(path);
  if (text === undefined) {
    ctx.diagnostics.push(diagnostic('error', at, `cannot read included file ${path}`));
    return;
  }
  ctx.stack.push(path);
  try {
    expandFile(text, path, ctx);
  } finally {
    ctx.stack.pop();
  }
}
