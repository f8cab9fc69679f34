// Progress records of running commits, one per refs/mymlops/progress/<id> in the mirror: the job
// pushes a parentless commit holding `<id>/` (notebook so far, job.log, metadata.json) whose message
// body is that metadata.json, so a record is read from the commit and its trees, never a blob.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommitId } from '../../core/commit/ids.js';
import { PROGRESS_PREFIX } from '../../core/status/progress.js';
import { blankRecord, type OutputRecord } from '../../core/status/types.js';
import type { CommitMetadata } from '../../core/model.js';
import { type CatFileBatch, parseTree } from './cat-file.js';

export interface ProgressEntry {
  id: string;
  /** The progress ref's commit (also the record's `tree`, its cache key). */
  commit: string;
  record: OutputRecord;
}

/** Progress refs of a git directory (id → commit), from its ref files: no process spawned. */
export function localProgressRefs(gitDir: string): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const line of readFileSync(join(gitDir, 'packed-refs'), 'utf8').split('\n')) {
      const [oid, ref] = line.split(' ');
      if (oid && ref?.startsWith(PROGRESS_PREFIX)) out.set(ref.slice(PROGRESS_PREFIX.length), oid);
    }
  } catch {}
  const dir = join(gitDir, PROGRESS_PREFIX);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {}
  for (const id of names) {
    try {
      const v = readFileSync(join(dir, id), 'utf8').trim();
      if (/^[0-9a-f]{40,64}$/.test(v)) out.set(id, v);
    } catch {}
  }
  for (const id of out.keys()) if (!isCommitId(id)) out.delete(id);
  return out;
}

export function sameRefs(entries: ProgressEntry[], refs: Map<string, string>): boolean {
  return entries.length === refs.size && entries.every((e) => refs.get(e.id) === e.commit);
}

/** Entries for `refs` (id → commit), reusing `cached` ones whose commit did not move. */
export async function readProgress(
  batch: CatFileBatch,
  refs: Map<string, string>,
  cached: ProgressEntry[],
): Promise<ProgressEntry[]> {
  const old = new Map(cached.map((e) => [e.id, e]));
  const out: ProgressEntry[] = [];
  for (const [id, commit] of [...refs].sort()) {
    const prev = old.get(id);
    if (prev?.commit === commit) {
      out.push(prev);
      continue;
    }
    const record = await readOne(batch, id, commit);
    if (record) out.push({ id, commit, record });
  }
  return out;
}

async function readOne(batch: CatFileBatch, id: string, commit: string): Promise<OutputRecord | null> {
  const c = await batch.read(commit);
  if (c?.type !== 'commit') return null;
  const text = c.data.toString('utf8');
  const rootTree = /^tree ([0-9a-f]+)/.exec(text)?.[1];
  const root = rootTree ? await batch.read(rootTree) : null;
  const idBytes = commit.length / 2;
  const folder = root ? parseTree(root.data, idBytes).find((e) => e.isTree && e.name === id) : undefined;
  const files = folder ? await batch.read(folder.id) : null;
  if (!files) return null;
  const entries = parseTree(files.data, idBytes);
  const rec = { ...blankRecord(id, commit), hasLog: entries.some((e) => e.name === 'job.log' && !e.isTree) };
  const body = text.slice(text.indexOf('\n\n') + 2);
  try {
    const m = JSON.parse(body.slice(body.indexOf('\n\n') + 2));
    if (m && typeof m === 'object' && !Array.isArray(m)) rec.metadata = m as Partial<CommitMetadata>;
  } catch {
    rec.problems.push('progress without metadata');
  }
  const wanted = rec.metadata?.notebook?.split('/').pop();
  const notebooks = entries.filter((e) => !e.isTree && e.name.endsWith('.ipynb')).map((e) => e.name);
  rec.notebook = notebooks.find((n) => n === wanted) ?? notebooks.sort()[0] ?? null;
  return rec;
}
