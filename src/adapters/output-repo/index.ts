// The output repository index: one OutputRecord per `<id>/` folder, cached on disk keyed by the
// folder's git tree id. A refresh reads the branch head from the mirror's ref file; when it has not
// moved nothing else runs; when it has, only folders whose tree id changed are read again, through
// one `git cat-file --batch`. Notebooks are read only for original-format folders (no `status` in
// metadata), and only scanned for error outputs, not parsed (see core/status/notebook-scan.ts).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommitId } from '../../core/status/merge.js';
import { extractMetrics } from '../../core/status/metrics.js';
import { firstCellError, hasErrorOutput } from '../../core/status/notebook-scan.js';
import type { OutputRecord } from '../../core/status/types.js';
import type { CommitMetadata } from '../../core/model.js';
import { CatFileBatch, parseTree, type TreeEntry } from './cat-file.js';
import { type FetchOutcome, Mirror, type OutputRepoSpec, repoCacheDir } from './mirror.js';

const INDEX_VERSION = 1;
const MAX_ARTIFACT_FILES = 50;
/** Folders read at once: bounds memory (each may hold a 200 KB+ notebook) while keeping the pipe busy. */
const CONCURRENCY = 8;

interface IndexFile {
  version: number;
  head: string | null;
  records: OutputRecord[];
}

export interface IndexSnapshot {
  /** Branch head the records were read from; null when the repository has no commits yet. */
  head: string | null;
  records: OutputRecord[];
  fetch: FetchOutcome | null;
  /** Folders re-read in this refresh (0 when served from the cache). */
  changed: number;
}

export interface RefreshOptions {
  /** Fetch first, unless another caller fetched within this many ms. undefined = no fetch. */
  fetchMinIntervalMs?: number;
}

export class OutputRepoIndex {
  readonly mirror: Mirror;
  private readonly indexPath: string;
  private state: IndexFile | null = null;
  private refreshing: Promise<IndexSnapshot> | null = null;

  constructor(
    readonly home: string,
    readonly spec: OutputRepoSpec,
  ) {
    const dir = repoCacheDir(home, spec);
    this.mirror = new Mirror(dir, spec);
    this.indexPath = join(dir, 'index.json');
  }

  /** Concurrent callers (many tabs) share one refresh. */
  refresh(opts: RefreshOptions = {}): Promise<IndexSnapshot> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.doRefresh(opts).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private load(): IndexFile {
    if (this.state) return this.state;
    try {
      const f = JSON.parse(readFileSync(this.indexPath, 'utf8')) as IndexFile;
      if (f.version === INDEX_VERSION && Array.isArray(f.records)) this.state = f;
    } catch {}
    this.state ??= { version: INDEX_VERSION, head: null, records: [] };
    return this.state;
  }

  private async doRefresh(opts: RefreshOptions): Promise<IndexSnapshot> {
    let fetch: FetchOutcome | null = null;
    if (opts.fetchMinIntervalMs !== undefined) fetch = await this.mirror.fetch(opts.fetchMinIntervalMs);
    else await this.mirror.ensure();
    const cached = this.load();
    const head = fetch?.state === 'empty' ? null : this.mirror.head();
    if (head === cached.head) return { head, records: cached.records, fetch, changed: 0 };
    if (head === null) {
      this.save({ version: INDEX_VERSION, head: null, records: [] });
      return { head: null, records: [], fetch, changed: 0 };
    }
    const batch = new CatFileBatch(this.mirror.gitDir);
    try {
      const idBytes = head.length / 2;
      const commit = await batch.read(head);
      const rootTree = /^tree ([0-9a-f]+)/.exec(commit?.data.toString('utf8', 0, 200) ?? '')?.[1];
      if (!rootTree) throw new Error(`output repository mirror: commit ${head} unreadable`);
      const root = await batch.read(rootTree);
      const folders = parseTree(root?.data ?? Buffer.alloc(0), idBytes).filter(
        (e) => e.isTree && isCommitId(e.name),
      );
      const old = new Map(cached.records.map((r) => [r.id, r]));
      const records: OutputRecord[] = new Array(folders.length);
      const todo: number[] = [];
      folders.forEach((f, i) => {
        const prev = old.get(f.name);
        if (prev && prev.tree === f.id) records[i] = prev;
        else todo.push(i);
      });
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const i = todo[next++]!;
          const f = folders[i]!;
          records[i] = await readFolder(batch, f.name, f.id, idBytes);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
      this.save({ version: INDEX_VERSION, head, records });
      return { head, records, fetch, changed: todo.length };
    } finally {
      batch.close();
    }
  }

  private save(f: IndexFile): void {
    this.state = f;
    mkdirSync(this.mirror.cacheDir, { recursive: true });
    const tmp = `${this.indexPath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(f));
    renameSync(tmp, this.indexPath);
    // Shell completion reads this list without running git (src/core/known-ids.ts).
    const ids = join(this.home, 'cache', 'commit-ids');
    writeFileSync(
      `${ids}.${process.pid}.tmp`,
      f.records
        .map((r) => r.id)
        .sort()
        .reverse()
        .join('\n') + (f.records.length ? '\n' : ''),
    );
    renameSync(`${ids}.${process.pid}.tmp`, ids);
  }

  /** A file of a commit folder at the indexed head (for the viewer); null when absent. */
  async readFile(id: string, name: string): Promise<Buffer | null> {
    const head = this.load().head;
    if (!head || !isCommitId(id) || name.includes('..') || name.startsWith('/')) return null;
    const batch = new CatFileBatch(this.mirror.gitDir);
    try {
      const o = await batch.read(`${head}:${id}/${name}`);
      return o?.type === 'blob' ? o.data : null;
    } finally {
      batch.close();
    }
  }

  records(): OutputRecord[] {
    return this.load().records;
  }
}

async function readFolder(
  batch: CatFileBatch,
  id: string,
  tree: string,
  idBytes: number,
): Promise<OutputRecord> {
  const rec: OutputRecord = {
    id,
    tree,
    notebook: null,
    metadata: null,
    hasErrorOutput: false,
    firstError: null,
    artifacts: [],
    metrics: {},
    hasLog: false,
    problems: [],
  };
  const entries = parseTree((await batch.read(tree))?.data ?? Buffer.alloc(0), idBytes);
  const blobs = new Map(entries.filter((e) => !e.isTree).map((e) => [e.name, e]));
  const notebooks = entries
    .filter((e) => !e.isTree && e.name.endsWith('.ipynb'))
    .map((e) => e.name)
    .sort();
  rec.notebook = notebooks[0] ?? null;
  if (notebooks.length > 1)
    rec.problems.push(`${notebooks.length} notebooks in the folder; showing ${notebooks[0]}`);
  if (!rec.notebook) rec.problems.push('no notebook in the folder');
  rec.hasLog = blobs.has('job.log');
  const metaEntry = blobs.get('metadata.json');
  if (metaEntry) {
    try {
      const m = JSON.parse((await batch.read(metaEntry.id))?.data.toString('utf8') ?? '');
      if (m && typeof m === 'object' && !Array.isArray(m)) rec.metadata = m as Partial<CommitMetadata>;
      else rec.problems.push('metadata.json is not an object');
    } catch {
      rec.problems.push('metadata.json is not valid JSON');
    }
  } else rec.problems.push('no metadata.json');
  const artifactsTree = entries.find((e) => e.isTree && e.name === 'artifacts');
  if (artifactsTree) await readArtifacts(batch, artifactsTree, idBytes, rec);
  if (rec.metadata?.status === undefined && rec.notebook) {
    // Original format: the status is derived from the notebook's outputs.
    const nb = await batch.read(blobs.get(rec.notebook)!.id);
    if (nb && hasErrorOutput(nb.data)) {
      rec.hasErrorOutput = true;
      try {
        rec.firstError = firstCellError(JSON.parse(nb.data.toString('utf8')));
      } catch {
        rec.problems.push('notebook is not valid JSON');
      }
    }
  }
  return rec;
}

async function readArtifacts(
  batch: CatFileBatch,
  top: TreeEntry,
  idBytes: number,
  rec: OutputRecord,
): Promise<void> {
  const queue: { prefix: string; id: string; depth: number }[] = [{ prefix: '', id: top.id, depth: 0 }];
  while (queue.length && rec.artifacts.length < MAX_ARTIFACT_FILES) {
    const t = queue.shift()!;
    for (const e of parseTree((await batch.read(t.id))?.data ?? Buffer.alloc(0), idBytes)) {
      const path = t.prefix + e.name;
      if (e.isTree) {
        if (t.depth < 3) queue.push({ prefix: `${path}/`, id: e.id, depth: t.depth + 1 });
      } else if (rec.artifacts.length < MAX_ARTIFACT_FILES) rec.artifacts.push(path);
      if (path === 'metrics.json' && !e.isTree) {
        const m = extractMetrics((await batch.read(e.id))?.data.toString('utf8') ?? '');
        rec.metrics = m.metrics;
        if (m.problem) rec.problems.push(m.problem);
      }
    }
  }
}
