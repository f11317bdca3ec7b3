/**
 * @module The last-known-good document on disk (`<state-dir>/last-known-good.json`): every
 * document the agent accepted, written atomically (a temporary file in the same directory,
 * fsync, rename, fsync of the directory), so a crash or power loss leaves either the old copy or
 * the new one, never a torn file. On start, with the control plane unreachable, the agent runs
 * from it. A copy that fails the checks is reported and ignored, never used and never a crash.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredState } from '../../contract/desired-state.js';
import { checkDocumentText, type DocumentCheck } from './document-check.js';

const FILE_NAME = 'last-known-good.json';

export class LastKnownGood {
  readonly path: string;

  constructor(readonly stateDir: string) {
    this.path = join(stateDir, FILE_NAME);
  }

  /** Writes `document` atomically and durably. */
  async save(document: DesiredState): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      const file = await open(temporary, 'w', 0o600);
      try {
        await file.writeFile(`${JSON.stringify(document)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncDirectory(this.stateDir);
  }

  /** The saved document, checked; `undefined` when there is none. */
  async load(): Promise<DocumentCheck | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return { ok: false, problems: [`${this.path}: ${(error as Error).message}`] };
    }
    return checkDocumentText(text, this.path);
  }
}

/** fsync(2) of a directory makes a rename in it durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
