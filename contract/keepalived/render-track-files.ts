/**
 * @module keepalived.conf `track_file` blocks behind tracked file checks and real servers' file
 * checks (keepalived trackers/track_file.c, check/check_file.c): names are global, so instances
 * share a block by name and file checks share the block of the same file; the weight goes on the
 * instance's `track_file` line or in the FILE_CHECK, as the importer (to-desired-vrrp.ts,
 * to-desired-checks.ts) reads it back. The blocks come before the instances and virtual servers:
 * keepalived resolves a FILE_CHECK's track_file where it reads it.
 */
import type { FileCheck as RealServerFileCheck } from '../health-check.js';
import type { DirectorVirtualServer } from '../virtual-server.js';
import type { DirectorVrrpInstance, TrackedCheck } from '../vrrp-instance.js';
import { block, type ConfBlock, type DocPath, quote, type RenderCtx, warn } from './render-text.js';

type FileCheck = Extract<TrackedCheck, { type: 'file' }>;

export interface TrackFiles {
  blocks: ConfBlock[];
  /** The track_file name of `vrrpInstances[i].trackedChecks[j]`. */
  nameOf(instance: number, check: number): string | undefined;
  /** The track_file name of a real server's file check. */
  nameOfFile(check: RealServerFileCheck): string;
}

type FileDefinition = Pick<FileCheck, 'path' | 'init'>;

const definition = (c: FileDefinition): string => JSON.stringify({ path: c.path, init: c.init });

/** A block name for a file check: its file's name, in keepalived's word characters. */
function nameFromPath(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9._-]+/g, '-');
  return base === '' ? 'file' : base;
}

/** The block name: the importer names the check `file-NAME`. */
function blockName(c: FileCheck, path: DocPath, ctx: RenderCtx): string {
  if (c.name.startsWith('file-')) return c.name.slice('file-'.length);
  warn(
    ctx,
    [...path, 'name'],
    'normalized',
    `track_file checks come back named file-NAME: file-${c.name}`,
  );
  return c.name;
}

function fileBlock(name: string, c: FileDefinition): ConfBlock {
  const init =
    c.init === undefined
      ? []
      : [`init_file ${c.init.value}${c.init.overwrite ? ' overwrite' : ''}`];
  return block(`track_file ${quote(name)}`, [`file ${quote(c.path)}`, ...init]);
}

/** One track_file per distinct file; a name reused for another file is renamed. */
export function collectTrackFiles(
  instances: readonly DirectorVrrpInstance[],
  virtualServers: readonly DirectorVirtualServer[],
  ctx: RenderCtx,
): TrackFiles {
  const byName = new Map<string, string>();
  const byDefinition = new Map<string, string>();
  const refs = new Map<string, string>();
  const blocks: ConfBlock[] = [];
  const unused = (base: string, def: string): string => {
    let name = base;
    for (let n = 2; byName.has(name) && byName.get(name) !== def; n++) name = `${base}-${n}`;
    return name;
  };
  const add = (name: string, def: string, c: FileDefinition): void => {
    if (byName.has(name)) return;
    byName.set(name, def);
    if (!byDefinition.has(def)) byDefinition.set(def, name);
    blocks.push(fileBlock(name, c));
  };
  instances.forEach((inst, i) =>
    inst.trackedChecks.forEach((c, j) => {
      if (c.type !== 'file') return;
      const path = ['vrrpInstances', i, 'trackedChecks', j];
      const def = definition(c);
      const base = blockName(c, path, ctx);
      const name = unused(base, def);
      if (name !== base)
        warn(
          ctx,
          [...path, 'name'],
          'normalized',
          `track_file names are global and ${base} is another file elsewhere: written as ${name}`,
        );
      add(name, def, c);
      refs.set(`${i}/${j}`, name);
    }),
  );
  for (const vs of virtualServers)
    for (const rs of vs.realServers)
      for (const c of rs.checks) {
        if (c.type !== 'file') continue;
        const def = definition(c);
        if (!byDefinition.has(def)) add(unused(nameFromPath(c.path), def), def, c);
      }
  return {
    blocks,
    nameOf: (i, j) => refs.get(`${i}/${j}`),
    nameOfFile: (c) => byDefinition.get(definition(c)) ?? nameFromPath(c.path),
  };
}

/** The instance's `track_file` line for a check: `NAME weight W [reverse]`. */
export function trackFileLine(name: string, c: FileCheck): string {
  return `${quote(name)} weight ${c.weight}${c.reverse ? ' reverse' : ''}`;
}
