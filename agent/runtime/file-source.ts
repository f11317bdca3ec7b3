/**
 * @module The standalone modes' document: a desired-state JSON file (`--desired`) or a
 * keepalived.conf (`--keepalived-conf`), read at start and again at each SIGHUP. A keepalived.conf
 * carries no revision, so each successful read gets the next one (1, 2, …).
 */
import { readDesiredFile } from '../desired-file.js';
import type { DocumentCheck } from './document-check.js';

export type FileSourceSpec =
  { kind: 'desired'; path: string } | { kind: 'keepalived'; path: string; site: string };

export interface FileRead {
  check: DocumentCheck;
  /** Warnings to show (file:line for keepalived.conf); never a reason to refuse. */
  warnings: string[];
}

export class FileSource {
  private revision = 0;

  constructor(readonly spec: FileSourceSpec) {}

  get path(): string {
    return this.spec.path;
  }

  async read(): Promise<FileRead> {
    if (this.spec.kind === 'desired') {
      return { check: await readDesiredFile(this.spec.path), warnings: [] };
    }
    // The keepalived.conf parser is loaded only in this mode (start-up time under load).
    const { readKeepalivedConf } = await import('./keepalived-source.js');
    const read = readKeepalivedConf(this.spec.path, {
      site: this.spec.site,
      revision: this.revision + 1,
    });
    if (read.check.ok) this.revision += 1;
    return read;
  }
}
