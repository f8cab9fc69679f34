// The output repository index: one OutputRecord per result, cached on disk keyed by the folder's
// git tree id. A result is an `<id>/` folder holding a notebook (the original tool's rule: a folder
// with no `*.ipynb`, e.g. only metadata.json, is not a result and is skipped). A refresh reads the branch head from the mirror's ref file; when it has not
// moved nothing else runs; when it has, only folders whose tree id changed are read again, through
// one `git cat-file --batch`. Notebooks are read only for original-format folders (no `status` in
// metadata), and only scanned for error outputs, not parsed (see core/status/notebook-scan.ts).
// The mirror holds trees only until a file is asked for: each phase first fetches the blobs it is
// about to read, all in one request (Mirror.fetchObjects).
import { MANIFEST_NAME, parseManifest } from '../../core/artifacts/manifest.js';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isCommitId } from '../../core/commit/ids.js';
import { extractMetrics } from '../../core/status/metrics.js';
import { firstCellError, hasErrorOutput } from '../../core/status/notebook-scan.js';
import { blankRecord, type OutputRecord } from '../../core/status/types.js';
import type { CommitMetadata } from '../../core/model.js';
import { UserError } from '../../errors.js';
import { exec } from '../../util/exec.js';
import { debug } from '../../util/log.js';
import { withProgress } from '../../core/status/progress.js';
import { CatFileBatch, parseTree, type TreeEntry } from './cat-file.js';
import { type FetchOutcome, Mirror, type OutputRepoSpec, repoCacheDir, repoCacheKey } from './mirror.js';
import { HOME } from '../../util/home-layout.js';
import { type ProgressEntry, readProgress, sameRefs } from './progress.js';
import { writeFileAtomic } from '../../util/atomic-file.js';

// 2: expected errors (raises-exception cells) no longer fail a folder.
// 3: folders without a notebook are skipped, not records. 4: a partial mirror; progress refs kept.
const INDEX_VERSION = 4;
const MAX_ARTIFACT_FILES = 50;

interface IndexFile {
  version: number;
  head: string | null;
  records: OutputRecord[];
  /** Folders that are not results (no notebook), by tree id so they are not read again. */
  skipped?: { id: string; tree: string }[];
  /** Folders a previous head had and a later one lost (history rewritten), until they return. */
  vanished?: string[];
  /** Running commits' progress refs as last read (progress.ts). */
  progress?: ProgressEntry[];
}

export interface IndexSnapshot {
  /** Branch head the records were read from; null when the repository has no commits yet. */
  head: string | null;
  records: OutputRecord[];
  fetch: FetchOutcome | null;
  /** Folders re-read in this refresh (0 when served from the cache). */
  changed: number;
  /** Results this cache had seen that the branch no longer holds. */
  vanished: string[];
}

export interface RefreshOptions {
  /** Fetch first, unless another caller fetched within this many ms. undefined = no fetch. */
  fetchMinIntervalMs?: number;
}

class MirrorDamaged extends Error {}
/** Files the refresh needs could not be fetched: nothing is cached, the last index is served. */
class FilesUnavailable extends Error {}

type FetchObjects = (ids: string[]) => Promise<void>;

export class OutputRepoIndex {
  readonly mirror: Mirror;
  private readonly indexPath: string;
  private state: IndexFile | null = null;
  private refreshing: Promise<IndexSnapshot> | null = null;
  private shown: { branch: OutputRecord[]; progress: ProgressEntry[]; records: OutputRecord[] } | null = null;

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
    this.refreshing = this.doRefresh(opts)
      .catch(async (e: Error) => {
        // A damaged cache (objects missing after a crash or a disk clean-up) is rebuilt, once,
        // rather than breaking status until someone deletes it by hand.
        if (!(e instanceof MirrorDamaged)) throw e;
        debug('output repository cache damaged, rebuilding:', e.message);
        rmSync(this.mirror.cacheDir, { recursive: true, force: true });
        this.state = null;
        return this.doRefresh({ fetchMinIntervalMs: 0 });
      })
      .finally(() => {
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
    // Cleaned away under us: rebuilt (refresh), never read as a stale list or a crash.
    if (
      existsSync(this.mirror.cacheDir) &&
      existsSync(join(this.mirror.cacheDir, 'partial')) &&
      !this.mirror.whole()
    )
      throw new MirrorDamaged(`${this.mirror.gitDir} has lost its objects`);
    let fetch: FetchOutcome | null = null;
    if (opts.fetchMinIntervalMs !== undefined) fetch = await this.mirror.fetch(opts.fetchMinIntervalMs);
    else await this.mirror.ensure();
    const snap = await this.refreshBranch(fetch);
    const progress = await this.refreshProgress();
    // The same array while nothing moved: the status service skips its merge then.
    const s = this.shown;
    if (s?.branch !== snap.records || s.progress !== progress)
      this.shown = {
        branch: snap.records,
        progress,
        records: withProgress(
          snap.records,
          progress.map((p) => p.record),
        ),
      };
    return { ...snap, records: this.shown!.records };
  }

  /** Progress records of the mirror's progress refs; read again only when a ref moved. */
  private async refreshProgress(): Promise<ProgressEntry[]> {
    const refs = this.mirror.progressRefs();
    const st = this.load();
    const before = st.progress ?? [];
    if (sameRefs(before, refs)) return before;
    const batch = new CatFileBatch(this.mirror.gitDir);
    try {
      const progress = await readProgress(batch, refs, before);
      this.save({ ...this.load(), progress });
      return progress;
    } finally {
      batch.close();
    }
  }

  private async refreshBranch(fetch: FetchOutcome | null): Promise<IndexSnapshot> {
    const cached = this.load();
    const head = fetch?.state === 'empty' ? null : this.mirror.head();
    const vanished = cached.vanished ?? [];
    if (head === cached.head) return { head, records: cached.records, fetch, changed: 0, vanished };
    if (head === null) {
      const gone = goneNow(cached, new Set());
      this.save({ ...cached, head: null, records: [], vanished: gone });
      return { head: null, records: [], fetch, changed: 0, vanished: gone };
    }
    const batch = new CatFileBatch(this.mirror.gitDir);
    const fetchObjects: FetchObjects = async (ids) => {
      const failed = await this.mirror.fetchObjects(ids);
      if (failed) throw new FilesUnavailable(failed);
    };
    try {
      const idBytes = head.length / 2;
      const commit = await batch.read(head);
      const rootTree = /^tree ([0-9a-f]+)/.exec(commit?.data.toString('utf8', 0, 200) ?? '')?.[1];
      if (!rootTree) throw new MirrorDamaged(`commit ${head} unreadable`);
      const root = await batch.read(rootTree);
      if (!root) throw new MirrorDamaged(`tree ${rootTree} unreadable`);
      const folders = parseTree(root?.data ?? Buffer.alloc(0), idBytes).filter(
        (e) => e.isTree && isCommitId(e.name),
      );
      const old = new Map<string, { tree: string; rec: OutputRecord | null }>();
      for (const s of cached.skipped ?? []) old.set(s.id, { tree: s.tree, rec: null });
      for (const r of cached.records) old.set(r.id, { tree: r.tree, rec: r });
      const read: (OutputRecord | null)[] = new Array(folders.length);
      const todo: number[] = [];
      folders.forEach((f, i) => {
        const prev = old.get(f.name);
        if (prev && prev.tree === f.id) read[i] = prev.rec;
        else todo.push(i);
      });
      const fresh = await readFolders(
        batch,
        fetchObjects,
        this.mirror.gitDir,
        head,
        todo.map((i) => folders[i]!),
      );
      todo.forEach((i, k) => {
        read[i] = fresh[k]!;
      });
      const records = read.filter((r): r is OutputRecord => r !== null);
      const skipped = folders.filter((_, i) => read[i] === null).map((f) => ({ id: f.name, tree: f.id }));
      const gone = goneNow(cached, new Set(records.map((r) => r.id)));
      this.save({ ...cached, version: INDEX_VERSION, head, records, skipped, vanished: gone });
      return { head, records, fetch, changed: todo.length, vanished: gone };
    } catch (e) {
      if (!(e instanceof FilesUnavailable)) throw e;
      return {
        head: cached.head,
        records: cached.records,
        fetch: { state: 'failed', message: e.message },
        changed: 0,
        vanished,
      };
    } finally {
      batch.close();
    }
  }

  private save(f: IndexFile): void {
    this.state = f;
    mkdirSync(this.mirror.cacheDir, { recursive: true });
    writeFileAtomic(this.indexPath, JSON.stringify(f));
    // Shell completion reads this list without running git (src/adapters/store/known-ids.ts); one per
    // output repository, so a project's Tab never offers another's commits.
    const ids = HOME.outputRepoIds(this.home, repoCacheKey(this.spec));
    writeFileAtomic(
      ids,
      f.records
        .map((r) => r.id)
        .sort()
        .reverse()
        .join('\n') + (f.records.length ? '\n' : ''),
    );
  }

  /** Where `id`'s shown record lives: its progress ref's commit while it runs, else the head. */
  private revFor(id: string): string | null {
    const st = this.load();
    const p = st.progress?.find((e) => e.id === id);
    if (!p) return st.head;
    const shown = withProgress(
      st.records.filter((r) => r.id === id),
      [p.record],
    )[0];
    return shown === p.record ? p.commit : st.head;
  }

  /** A file of a commit folder as status shows it (for the viewer); null when absent. */
  async readFile(id: string, name: string): Promise<Buffer | null> {
    const head = this.revFor(id);
    if (!head || !isCommitId(id) || name.includes('..') || name.startsWith('/') || name.includes('\0'))
      return null;
    const batch = new CatFileBatch(this.mirror.gitDir);
    try {
      const slash = name.lastIndexOf('/');
      const parent = await batch.read(`${head}:${id}${slash < 0 ? '' : `/${name.slice(0, slash)}`}`);
      if (parent?.type !== 'tree') return null;
      const entry = parseTree(parent.data, head.length / 2).find((e) => e.name === name.slice(slash + 1));
      // Regular files only: a symlink's blob is its target's path, a gitlink another repository.
      if (!entry || (entry.mode !== '100644' && entry.mode !== '100755')) return null;
      let o = await batch.read(entry.id);
      if (!o) {
        // Not in the mirror yet: fetched on first use, then kept.
        const failed = await this.mirror.fetchObjects([entry.id]);
        if (failed)
          throw new UserError(
            `cannot fetch ${id}/${name} from the output repository: ${failed}`,
            'check the network and commit.output_repository (url, deploy_key)',
          );
        o = await batch.read(entry.id);
      }
      return o?.type === 'blob' ? o.data : null;
    } finally {
      batch.close();
    }
  }

  records(): OutputRecord[] {
    return this.load().records;
  }
}

/** The vanished list after a head move: earlier ones still missing plus results just lost. */
function goneNow(before: IndexFile, now: Set<string>): string[] {
  const gone = new Set((before.vanished ?? []).filter((id) => !now.has(id)));
  for (const r of before.records) if (!now.has(r.id)) gone.add(r.id);
  return [...gone].sort();
}

interface Blob {
  path: string;
  id: string;
}

/** `git ls-tree -r` of the changed folders: every file with its blob id, in one process. */
async function listFiles(
  gitDir: string,
  head: string,
  folders: string[],
  all: boolean,
): Promise<Map<string, Blob[]>> {
  const args = ['--git-dir', gitDir, 'ls-tree', '-r', '-z', '--full-tree', head];
  // Pathspecs for an incremental refresh; the whole tree when most folders changed anyway.
  if (!all) args.push('--', ...folders.map((f) => `${f}/`));
  const out = (await exec('git', args)).stdout;
  const byFolder = new Map<string, Blob[]>();
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    const slash = path.indexOf('/');
    if (type !== 'blob' || slash < 0 || !id) continue;
    const folder = path.slice(0, slash);
    let list = byFolder.get(folder);
    if (!list) {
      list = [];
      byFolder.set(folder, list);
    }
    list.push({ path: path.slice(slash + 1), id });
  }
  return byFolder;
}

/**
 * Reads changed folders in three pipelined phases (all requests of a phase written at once, so git
 * streams without per-object round trips): list files, read metadata/metrics, then scan the
 * notebooks of original-format folders only. A folder with no notebook is not a result: null.
 */
async function readFolders(
  batch: CatFileBatch,
  fetchObjects: FetchObjects,
  gitDir: string,
  head: string,
  folders: TreeEntry[],
): Promise<(OutputRecord | null)[]> {
  if (folders.length === 0) return [];
  const files = await listFiles(
    gitDir,
    head,
    folders.map((f) => f.name),
    folders.length > 200,
  );
  const recs = folders.map((f) => {
    const rec = blankRecord(f.name, f.id);
    const list = files.get(f.name) ?? [];
    const notebooks = list
      .filter((b) => !b.path.includes('/') && b.path.endsWith('.ipynb'))
      .sort((a, b) => a.path.localeCompare(b.path));
    rec.notebook = notebooks[0]?.path ?? null;
    if (notebooks.length > 1)
      rec.problems.push(`${notebooks.length} notebooks in the folder; showing ${rec.notebook}`);
    rec.hasLog = list.some((b) => b.path === 'job.log');
    for (const b of list)
      if (b.path.startsWith('artifacts/') && rec.artifacts.length < MAX_ARTIFACT_FILES)
        rec.artifacts.push(b.path.slice(10));
    return { rec, list, notebook: notebooks[0] };
  });
  const results = recs.filter((r) => r.notebook !== undefined);
  await fetchObjects(
    results.flatMap(({ list }) =>
      list
        .filter(
          (b) =>
            b.path === 'metadata.json' || b.path === 'artifacts/metrics.json' || b.path === MANIFEST_NAME,
        )
        .map((b) => b.id),
    ),
  );
  await Promise.all(
    results.map(async ({ rec, list }) => {
      const meta = list.find((b) => b.path === 'metadata.json');
      const metrics = list.find((b) => b.path === 'artifacts/metrics.json');
      const stored = list.find((b) => b.path === MANIFEST_NAME);
      const [m, mx, st] = await Promise.all([
        meta ? batch.read(meta.id) : null,
        metrics ? batch.read(metrics.id) : null,
        stored ? batch.read(stored.id) : null,
      ]);
      // Files kept in the artifact store are the folder's artifacts too (downloads read the store).
      for (const e of st ? parseManifest(st.data.toString('utf8')) : [])
        if (e.name.startsWith('artifacts/') && rec.artifacts.length < MAX_ARTIFACT_FILES)
          rec.artifacts.push(e.name.slice(10));
      if (!meta) rec.problems.push('no metadata.json');
      else {
        try {
          const v = JSON.parse(m?.data.toString('utf8') ?? '');
          if (v && typeof v === 'object' && !Array.isArray(v)) rec.metadata = v as Partial<CommitMetadata>;
          else rec.problems.push('metadata.json is not an object');
        } catch {
          rec.problems.push('metadata.json is not valid JSON');
        }
      }
      if (mx) {
        const r = extractMetrics(mx.data.toString('utf8'));
        rec.metrics = r.metrics;
        if (r.problem) rec.problems.push(r.problem);
      }
    }),
  );
  // Original format: the status is derived from the notebook's outputs. git grep (in C, no data
  // piped to us) narrows them to the notebooks containing `"error"` at all; only those are read and
  // checked exactly (an error output, not the word in some text) and parsed to name the error.
  const original = results.filter((r) => r.rec.metadata?.status === undefined);
  await fetchObjects(original.map((r) => r.notebook!.id));
  const candidates = await grepCandidates(
    gitDir,
    head,
    original.map((r) => `${r.rec.id}/${r.notebook!.path}`),
  );
  await Promise.all(
    original.map(async ({ rec, notebook }) => {
      if (!candidates.has(`${rec.id}/${notebook!.path}`)) return;
      const nb = await batch.read(notebook!.id);
      if (!nb || !hasErrorOutput(nb.data)) return;
      rec.hasErrorOutput = true;
      try {
        rec.firstError = firstCellError(JSON.parse(nb.data.toString('utf8')));
        // The prefilter also sees expected errors (cells tagged raises-exception); the rule decides.
        rec.hasErrorOutput = rec.firstError !== null;
      } catch {
        rec.problems.push('notebook is not valid JSON');
      }
    }),
  );
  return recs.map((r) => (r.notebook ? r.rec : null));
}

/** Paths (of `paths`) whose blob at `head` contains the bytes `"error"`. */
async function grepCandidates(gitDir: string, head: string, paths: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < paths.length; i += 2000) {
    const chunk = paths.slice(i, i + 2000).map((p) => `:(literal)${p}`);
    const r = await exec(
      'git',
      ['--git-dir', gitDir, 'grep', '-l', '-F', '-e', '"error"', head, '--', ...chunk],
      {
        allowFail: true,
      },
    );
    if (r.code > 1) throw new Error(`git grep failed: ${r.stderr.trim()}`);
    for (const line of r.stdout.split('\n'))
      if (line.startsWith(`${head}:`)) found.add(line.slice(head.length + 1));
  }
  return found;
}
