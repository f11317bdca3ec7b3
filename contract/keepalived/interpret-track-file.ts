/**
 * @module keepalived interpreter for `track_file` / `vrrp_track_file` blocks and the `track_file`
 * lists that refer to them (keepalived trackers/track_file.c: `track_file_handler()`,
 * `track_file_weight_handler()`, `track_file_init_handler()`, `track_file_end_handler()` and
 * `vrrp_alloc_track_file()`), and a real server's FILE_CHECK that names one (check/check_file.c).
 */
import type { ConfigNode } from './parse-blocks.js';
import { argAt, type Ctx, type Handler, str, walk, warn } from './interpret-context.js';
import type { Checker, TrackFileConf, TrackFileRef } from './model.js';

type Draft = TrackFileConf & { weightSet: boolean };

/** read_int_strvec(): a whole number in [min, max]. */
function whole(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^\s*[-+]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

function weight(n: ConfigNode, t: Draft, c: Ctx): void {
  if (n.args[0] === undefined)
    return warn(c, n.at, `no weight for track_file ${t.name}; ignored, as keepalived ignores it`);
  // track_file_weight_handler() refuses a second weight only once the first moved it from 1.
  if (t.weight !== 1)
    return warn(
      c,
      n.at,
      `weight already set for track_file ${t.name}; this one is ignored, as keepalived ignores it`,
    );
  const value = whole(n.args[0], -254, 254);
  if (value === undefined)
    warn(
      c,
      argAt(n, 0),
      `track_file ${t.name} weight '${n.args[0]}' is not -254..254: 1, as keepalived sets it`,
    );
  t.weight = value ?? 1;
  if (n.args[1] === 'reverse') t.reverse = true;
  else if (n.args[1] !== undefined)
    warn(
      c,
      argAt(n, 1),
      `track_file ${t.name}: unknown weight option '${n.args[1]}'; ignored, as keepalived ignores it`,
    );
}

function initFile(n: ConfigNode, t: Draft, c: Ctx): void {
  const init = { value: 0, overwrite: false };
  n.args.forEach((word, i) => {
    if (/^\s*[-\d]/.test(word)) {
      const value = whole(word, -2147483648, 2147483647);
      if (value === undefined)
        warn(
          c,
          argAt(n, i),
          `track_file ${t.name} init value '${word}' is invalid: 0, as keepalived uses`,
        );
      else if (value < -254 || value > 254)
        warn(
          c,
          argAt(n, i),
          `track_file ${t.name} init value ${value} is outside -254..254 (keepalived warns too)`,
        );
      init.value = value ?? 0;
    } else if (word === 'overwrite') init.overwrite = true;
    else
      warn(c, argAt(n, i), `unknown init_file option '${word}'; ignored, as keepalived ignores it`);
  });
  t.init = init;
}

const TRACK_FILE: Record<string, Handler<Draft>> = {
  file: (n, t, c) => {
    if (t.file !== undefined)
      return warn(
        c,
        n.at,
        `file already set for track_file ${t.name}; ignored, as keepalived ignores it`,
      );
    const path = str(n, c);
    if (path !== undefined) t.file = path;
  },
  weight,
  init_file: initFile,
};

/** A `track_file NAME { … }` block; `undefined` (with a warning) without a `file`, as keepalived drops it. */
export function interpretTrackFile(node: ConfigNode, ctx: Ctx): TrackFileConf | undefined {
  const draft: Draft = {
    name: str(node, ctx) ?? '',
    weight: 1,
    reverse: false,
    weightSet: false,
    at: node.at,
  };
  if (node.keyword === 'vrrp_track_file')
    warn(
      ctx,
      node.at,
      `'vrrp_track_file' is deprecated, please use 'track_file' (keepalived says so too); read as track_file`,
    );
  walk(node.children, TRACK_FILE, draft, ctx, `track_file ${draft.name}`);
  if (draft.file === undefined)
    return void warn(
      ctx,
      node.at,
      `no file set for track_file ${draft.name}; ignored, as keepalived ignores it`,
    );
  const { weightSet: _, ...conf } = draft;
  return conf;
}

/** One entry of an instance's `track_file` list: `NAME [weight W [reverse|noreverse]]`. */
function trackFileRef(n: ConfigNode, ctx: Ctx): TrackFileRef | undefined {
  const ref: TrackFileRef = { name: n.keyword, at: n.at };
  const [option, value, direction] = n.args;
  if (option === undefined) return ref;
  if (option !== 'weight')
    return void warn(
      ctx,
      argAt(n, 0),
      `unknown track file option '${option}'; track_file ${n.keyword} ignored, as keepalived ignores it`,
    );
  if (value === undefined)
    return void warn(
      ctx,
      n.at,
      `weight without a value for track file ${n.keyword}; ignored, as keepalived ignores it`,
    );
  const w = whole(value, -254, 254);
  if (w === undefined)
    warn(
      ctx,
      argAt(n, 1),
      `weight for track file ${n.keyword} must be -254..254: the track_file's own weight, as keepalived uses`,
    );
  else ref.weight = w;
  if (direction === 'reverse' || direction === 'noreverse') ref.reverse = direction === 'reverse';
  else if (direction !== undefined)
    return void warn(
      ctx,
      argAt(n, 2),
      `unknown track file weight option '${direction}'; track_file ${n.keyword} ignored, as keepalived ignores it`,
    );
  return ref;
}

/** An instance's `track_file { … }` list. */
export function trackFileRefs(node: ConfigNode, ctx: Ctx): TrackFileRef[] {
  return (node.children ?? []).flatMap((child) => trackFileRef(child, ctx) ?? []);
}

/** check_file.c `track_file_weight_handler()`: a bad value or option ignores the whole line. */
function fileCheckWeight(n: ConfigNode, k: Checker, c: Ctx): void {
  const [value, direction] = n.args;
  if (value === undefined)
    return warn(c, n.at, 'FILE_CHECK weight without a value; ignored, as keepalived ignores it');
  const w = whole(value, -2147483647, 2147483647);
  if (w === undefined)
    return warn(
      c,
      argAt(n, 0),
      `FILE_CHECK weight '${value}' is not -2147483647..2147483647; ignored (the track_file's own weight), as keepalived ignores it`,
    );
  if (direction !== undefined && direction !== 'reverse' && direction !== 'noreverse')
    return warn(
      c,
      argAt(n, 1),
      `unknown FILE_CHECK weight option '${direction}'; the line is ignored (the track_file's own weight), as keepalived ignores it`,
    );
  k.fileWeight = w;
  k.fileReverse = direction === 'reverse';
}

const FILE_CHECK: Record<string, Handler<Checker>> = {
  track_file: (n, k, c) => {
    const name = str(n, c);
    if (name === undefined) return;
    if (c.trackFilesDefined?.has(name) === true) k.trackFile = name;
    else
      warn(
        c,
        argAt(n, 0),
        `track_file ${name} not found: keepalived looks it up here, so it must be defined above the FILE_CHECK`,
      );
  },
  weight: fileCheckWeight,
  // keepalived.conf(5) documents `dynamic`, but 2.2's check_file.c has no such keyword.
  dynamic: (n, _k, c) =>
    warn(
      c,
      n.at,
      "keepalived 2.2 does not know 'dynamic' in FILE_CHECK (its man page lists it): ignored; the file's number moves the weight without it",
    ),
};

/**
 * A real server's `FILE_CHECK { track_file NAME; weight W [reverse] }` (check_file.c
 * `file_check_handler()`, `file_end_handler()`); `undefined` (with a warning at its `}`, where
 * keepalived says so) without a track_file, as keepalived drops it.
 */
export function interpretFileCheck(node: ConfigNode, ctx: Ctx): Checker | undefined {
  const k: Checker = { type: 'FILE_CHECK', urls: [], miscDynamic: false, at: node.at };
  walk(node.children, FILE_CHECK, k, ctx, 'FILE_CHECK');
  if (k.trackFile !== undefined) return k;
  warn(
    ctx,
    node.endAt ?? node.at,
    'FILE_CHECK has no track_file; ignored, as keepalived ignores it (the real server is not checked by it)',
  );
  return undefined;
}
