/** @module keepalived.conf pre-processing: `include` splicing, `@id` conditional lines, `$NAME=` definitions. */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import { lex, type LexedLine, type Token } from './lexer.js';
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
}

/** Lexes `text` (from `file`) and splices in included files, returning one token stream. */
export function expand(
  text: string,
  file: string,
  options: ExpandOptions,
  diagnostics: KeepalivedDiagnostic[],
): Token[] {
  return expandFile(text, file, { options, diagnostics, stack: [file] });
}

function expandFile(text: string, file: string, ctx: Context): Token[] {
  const lexed = lex(text, file);
  ctx.diagnostics.push(...lexed.diagnostics);
  const out: Token[] = [];
  let continuing = false;
  for (const line of lexed.lines) {
    if (continuing) {
      continuing = endsWithBackslash(line);
      continue;
    }
    const tokens = applyCondition(line.tokens, ctx.options.configId);
    const first = tokens[0];
    if (first === undefined) continue;
    if (first.kind === 'word' && !first.quoted && /^\$[A-Za-z_]\w*=/.test(first.text)) {
      const msg = `parameter definition ${first.text.split('=')[0] ?? ''} is not supported; line ignored`;
      ctx.diagnostics.push(diagnostic('warning', first.at, msg));
      continuing = endsWithBackslash(line);
    } else if (first.kind === 'word' && !first.quoted && INCLUDE_KEYWORDS.has(first.text)) {
      out.push(...expandInclude(tokens, file, ctx));
    } else out.push(...tokens);
  }
  return out;
}

function endsWithBackslash(line: LexedLine): boolean {
  return line.tokens[line.tokens.length - 1]?.text.endsWith('\\') ?? false;
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

function expandInclude(tokens: Token[], file: string, ctx: Context): Token[] {
  const [keyword, pattern] = tokens;
  if (keyword === undefined) return [];
  if (pattern === undefined || pattern.kind !== 'word') {
    ctx.diagnostics.push(diagnostic('error', keyword.at, `${keyword.text} needs a file name`));
    return [];
  }
  const target = resolvePath(dirname(file), pattern.text);
  const paths = includePaths(target, pattern.at, ctx);
  return paths.flatMap((path) => includeOne(path, pattern.at, ctx));
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

function includeOne(path: string, at: SourcePosition, ctx: Context): Token[] {
  const limit = ctx.options.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
  if (ctx.stack.includes(path)) {
    const chain = [...ctx.stack, path].join(' → ');
    ctx.diagnostics.push(diagnostic('error', at, `include cycle: ${chain}`));
    return [];
  }
  if (ctx.stack.length > limit) {
    ctx.diagnostics.push(diagnostic('error', at, `includes nested deeper than ${limit}: ${path}`));
    return [];
  }
  const text = ctx.options.source?.readFile(path);
  if (text === undefined) {
    ctx.diagnostics.push(diagnostic('error', at, `cannot read included file ${path}`));
    return [];
  }
  ctx.stack.push(path);
  try {
    return expandFile(text, path, ctx);
  } finally {
    ctx.stack.pop();
  }
}
