// One status snapshot shared by every polling tab, serialised (and compressed) once.
import type { StatusSnapshot } from '../../core/status/service.js';
import type { CommitRow } from '../../core/status/types.js';
import { redact } from '../../util/log.js';
import { apiStatus } from './api.js';

export interface Cached {
  at: number;
  snap: StatusSnapshot;
  /** Commits by id, for notebook/log lookups (the API copy is not kept: only its bytes are). */
  byId: Map<string, CommitRow>;
  body: Buffer;
  /** gzip of body, made once per snapshot on first request: 10,000 commits are ~7 MB of JSON. */
  gz?: Buffer;
}

export interface SnapshotSource {
  snapshot(): Promise<StatusSnapshot>;
  links: Record<string, string>;
  outputRepo: { url: string; branch: string } | null;
}

export class SnapshotCache {
  private value: Cached | null = null;
  private pending: Promise<Cached> | null = null;
  constructor(
    private readonly deps: SnapshotSource,
    private readonly maxAgeMs: number,
  ) {}
  get(): Promise<Cached> {
    if (this.value && Date.now() - this.value.at < this.maxAgeMs) return Promise.resolve(this.value);
    this.pending ??= this.deps
      .snapshot()
      .then((snap) => {
        if (this.value && this.value.snap === snap) {
          // Nothing changed: keep the serialised (and compressed) body.
          this.value.at = Date.now();
          return this.value;
        }
        const api = apiStatus(snap, { links: this.deps.links, outputRepo: this.deps.outputRepo });
        const v: Cached = {
          at: Date.now(),
          snap,
          byId: new Map(snap.commits.map((c) => [c.id, c])),
          body: Buffer.from(redact(JSON.stringify(api))),
        };
        this.value = v;
        return v;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
  /** The next request takes a fresh snapshot (after a dev machine was stopped or resumed). */
  invalidate(): void {
    if (this.value) this.value.at = 0;
  }
  /** The last snapshot, for notebook lookups between refreshes. */
  last(): Cached | null {
    return this.value;
  }
}
