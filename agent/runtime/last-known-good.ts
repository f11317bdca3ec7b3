/**
 * @module The last-known-good document on disk (`<state-dir>/last-known-good.json`): every
 * document the agent accepted, written atomically (atomic-file.ts), so a crash or power loss
 * leaves either the old copy or the new one, never a torn file. On start, with the control plane
 * unreachable, the agent runs from it. A copy that fails the checks is reported and ignored,
 * never used and never a crash.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredState } from '../../contract/desired-state.js';
import { writeFileAtomic } from './atomic-file.js';
import { checkDocumentText, refused, type DocumentCheck } from './document-check.js';

const FILE_NAME = 'last-known-good.json';

export class LastKnownGood {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, FILE_NAME);
  }

  /** Writes `document` atomically and durably. */
  async save(document: DesiredState): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(document)}\n`);
  }

  /** The saved document, checked; `undefined` when there is none. */
  async load(): Promise<DocumentCheck | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return refused(this.path, [{ path: '', message: (error as Error).message }]);
    }
    return checkDocumentText(text, this.path);
  }
}
