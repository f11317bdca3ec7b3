/**
 * @module Compiled documents, cached per director and revision. A site's snapshot is loaded once
 * per revision however many agents ask at once (concurrent loads share one promise), and each
 * director's document is compiled and serialised once per revision.
 */
import { compileDesiredState } from '../compile/desired-state.js';
import type { Db } from '../db/database.js';
import type { EventBus } from '../events/bus.js';
import { loadSnapshot, readRevision, type LoadedSnapshot } from './site-snapshot.js';

export interface CompiledDocument {
  revision: number;
  /** The document serialised as JSON. */
  body: string;
}

export class DocumentCache {
  readonly #snapshots = new Map<string, LoadedSnapshot>(); // site id -> latest snapshot
  readonly #loading = new Map<string, Promise<LoadedSnapshot | undefined>>(); // site id -> load in flight
  readonly #documents = new Map<string, CompiledDocument>(); // director id -> document

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** The site's latest revision: from the bus when it knows, else from the database. */
  async currentRevision(siteId: string): Promise<number | undefined> {
    const known = this.bus.knownRevision(siteId);
    if (known !== undefined) return known;
    const revision = await readRevision(this.db, siteId);
    if (revision !== undefined) this.bus.noteRevision(siteId, revision);
    return revision;
  }

  /** A snapshot at least as new as the latest revision this replica knows. */
  async snapshot(siteId: string): Promise<LoadedSnapshot | undefined> {
    const wanted = await this.currentRevision(siteId);
    const cached = this.#snapshots.get(siteId);
    if (cached && wanted !== undefined && cached.site.revision >= wanted) return cached;
    let loading = this.#loading.get(siteId);
    if (!loading) {
      loading = loadSnapshot(this.db, siteId).finally(() => this.#loading.delete(siteId));
      this.#loading.set(siteId, loading);
    }
    const loaded = await loading;
    if (!loaded) {
      this.#snapshots.delete(siteId);
      return undefined;
    }
    this.bus.noteRevision(siteId, loaded.site.revision);
    const current = this.#snapshots.get(siteId);
    if (!current || current.site.revision < loaded.site.revision)
      this.#snapshots.set(siteId, loaded);
    return this.#snapshots.get(siteId);
  }

  /** The document of one director, compiled from the newest snapshot; undefined if it is gone. */
  async document(director: {
    id: string;
    name: string;
    siteId: string;
  }): Promise<CompiledDocument | undefined> {
    const snapshot = await this.snapshot(director.siteId);
    if (!snapshot) return undefined;
    const cached = this.#documents.get(director.id);
    if (cached && cached.revision === snapshot.site.revision) return cached;
    const document = compileDesiredState(snapshot, director.name);
    if (!document || snapshot.directorIds.get(director.name) !== director.id) {
      this.#documents.delete(director.id);
      return undefined;
    }
    const compiled = { revision: document.revision, body: JSON.stringify(document) };
    this.#documents.set(director.id, compiled);
    return compiled;
  }
}
