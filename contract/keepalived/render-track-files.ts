/**
 * @module keepalived.conf `track_file` blocks behind tracked file checks (keepalived
 * trackers/track_file.c): names are global, so instances share a block by name; the weight goes
 * on the instance's `track_file` line, as the importer (to-desired-vrrp.ts) reads it back.
 */
import type { DirectorVrrpInstance, TrackedCheck } from '../vrrp-instance.js';
import { block, type ConfBlock, type DocPath, quote, type RenderCtx, warn } from './render-text.js';

type FileCheck = Extract<TrackedCheck, { type: 'file' }>;

export interface TrackFiles {
  blocks: ConfBlock[];
  /** The track_file name of `vrrpInstances[i].trackedChecks[j]`. */
  nameOf(instance: number, check: number): string | undefined;
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

function fileBlock(name: string, c: FileCheck): ConfBlock {
  const init =
    c.init === undefined
      ? []
      : [`init_file ${c.init.value}${c.init.overwrite ? ' overwrite' : ''}`];
  return block(`track_file ${quote(name)}`, [`file ${quote(c.path)}`, ...init]);
}

/** One track_file per distinct file; a name reused for another file is renamed. */
export function collectTrackFiles(
  instances: readonly DirectorVrrpInstance[],
  ctx: RenderCtx,
): TrackFiles {
  const byName = new Map<string, string>();
  const refs = new Map<string, string>();
  const blocks: ConfBlock[] = [];
  instances.forEach((inst, i) =>
    inst.trackedChecks.forEach((c, j) => {
      if (c.type !== 'file') return;
      const path = ['vrrpInstances', i, 'trackedChecks', j];
      const def = JSON.stringify({ path: c.path, init: c.init });
      const base = blockName(c, path, ctx);
      let name = base;
      for (let n = 2; byName.has(name) && byName.get(name) !== def; n++) name = `${base}-${n}`;
      if (name !== base)
        warn(
          ctx,
          [...path, 'name'],
          'normalized',
          `track_file names are global and ${base} is another file elsewhere: written as ${name}`,
        );
      if (!byName.has(name)) {
        byName.set(name, def);
        blocks.push(fileBlock(name, c));
      }
      refs.set(`${i}/${j}`, name);
    }),
  );
  return { blocks, nameOf: (i, j) => refs.get(`${i}/${j}`) };
}

/** The instance's `track_file` line for a check: `NAME weight W [reverse]`. */
export function trackFileLine(name: string, c: FileCheck): string {
  return `${quote(name)} weight ${c.weight}${c.reverse ? ' reverse' : ''}`;
}
