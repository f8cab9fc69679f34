// The code diff between two commits' snapshots, read from the code repository with the user's own
// git credentials (then the deploy key, as the snapshot push does). Snapshot refs never move, so a
// bare cache mirror under <home>/cache/code-repo/<key>.git fetches each one once; a snapshot whose
// sha is already there is not fetched at all.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { snapshotRef } from '../../core/commit/ids.js';
import { err, ok, type Result } from '../../errors.js';
import { mkdirPrivate } from '../../util/private-fs.js';
import { gitErrorLine } from './errors.js';
import { git, type GitAuth } from './git.js';
import { firstThatWorks } from './push.js';
import { CatFileBatch } from '../output-repo/cat-file.js';
import { HOME } from '../../util/home-layout.js';

export interface CodeRepoSpec {
  url: string;
  deployKey?: string | undefined;
  sshOptions?: string[];
  /** Where the user's git config is read (core.sshCommand), as in their own `git push`. */
  root: string;
}

export interface SnapshotId {
  id: string;
  /** The snapshot's sha when metadata.json recorded it, else null (the ref names it). */
  snapshot: string | null;
}

/** A diff longer than this is cut (a page of it is plenty to see what changed). */
export const MAX_DIFF_CHARS = 2_000_000;

export function codeRepoDir(home: string, url: string): string {
  const key = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return HOME.codeRepoMirror(home, key);
}

async function ensureMirror(dir: string): Promise<void> {
  if (existsSync(join(dir, 'HEAD'))) return;
  mkdirPrivate(dirname(dir));
  await git(['init', '--quiet', '--bare', dir]);
}

async function has(dir: string, rev: string): Promise<boolean> {
  const r = await git(['--git-dir', dir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
    allowFail: true,
  });
  return r.code === 0;
}

/** Fetches the snapshot refs of `ids`, trying each credential in turn; the error is one line. */
async function fetchRefs(dir: string, spec: CodeRepoSpec, ids: string[]): Promise<Result<void, string>> {
  const auth: GitAuth = { deployKey: spec.deployKey, sshOptions: spec.sshOptions ?? [] };
  const refspecs = ids.map((id) => `+${snapshotRef(id)}:${snapshotRef(id)}`);
  const r = await firstThatWorks(
    { root: spec.root, url: spec.url, auth },
    (url) => ['--git-dir', dir, 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', url, ...refspecs],
    { verb: 'fetch', timeoutMs: 120_000, named: true },
  );
  return r.ok ? ok(undefined) : r;
}

/**
 * `git diff from to` of everything but `exclude` (the notebook), as unified text; an error is
 * the one-line note the views print instead.
 */
export function snapshotDiff(
  home: string,
  spec: CodeRepoSpec,
  from: SnapshotId,
  to: SnapshotId,
  exclude: string[],
): Promise<Result<string, string>> {
  const dir = codeRepoDir(home, spec.url);
  return queued(dir, () => diffIn(dir, spec, from, to, exclude));
}

/**
 * One file of a commit's snapshot (`path` from the repository's root), as bytes; null when the
 * snapshot has no such file. The snapshot is fetched into the same mirror as for diffs.
 */
export function snapshotFile(
  home: string,
  spec: CodeRepoSpec,
  snap: SnapshotId,
  path: string,
): Promise<Result<Buffer | null, string>> {
  const dir = codeRepoDir(home, spec.url);
  return queued(dir, async () => {
    await ensureMirror(dir);
    const sha = snap.snapshot && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(snap.snapshot) ? snap.snapshot : null;
    let rev = sha && (await has(dir, sha)) ? sha : snapshotRef(snap.id);
    if (!(await has(dir, rev))) {
      const f = await fetchRefs(dir, spec, [snap.id]);
      if (!f.ok) return err(`cannot read the snapshot from the code repository: ${f.error}`);
      rev = snapshotRef(snap.id);
      if (!(await has(dir, rev))) return err(`the code repository has no snapshot of ${snap.id}`);
    }
    const cat = new CatFileBatch(dir);
    try {
      const o = await cat.read(`${rev}:${path}`);
      return ok(o && o.type === 'blob' ? o.data : null);
    } finally {
      cat.close();
    }
  });
}

/** Runs `fn` after the mirror's earlier work: two tabs at once would race for the same ref locks. */
function queued<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const prev = queue.get(dir) ?? Promise.resolve();
  const run = prev.then(fn);
  const tail = run.then(
    () => {},
    () => {},
  );
  queue.set(dir, tail);
  void tail.then(() => {
    if (queue.get(dir) === tail) queue.delete(dir);
  });
  return run;
}

const queue = new Map<string, Promise<void>>();

async function diffIn(
  dir: string,
  spec: CodeRepoSpec,
  from: SnapshotId,
  to: SnapshotId,
  exclude: string[],
): Promise<Result<string, string>> {
  await ensureMirror(dir);
  const revs: string[] = [];
  const missing: string[] = [];
  for (const s of [from, to]) {
    // The sha comes from metadata.json (an output repository anyone with push access writes): only a
    // full hex object id is passed to git, never something that could read as an option.
    const sha = s.snapshot && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(s.snapshot) ? s.snapshot : null;
    const rev = sha && (await has(dir, sha)) ? sha : snapshotRef(s.id);
    revs.push(rev);
    if (rev !== sha && !(await has(dir, rev))) missing.push(s.id);
  }
  if (missing.length) {
    const f = await fetchRefs(dir, spec, [...new Set(missing)]);
    if (!f.ok) return err(`cannot read the snapshots from the code repository: ${f.error}`);
  }
  for (const [i, rev] of revs.entries())
    if (!(await has(dir, rev)))
      return err(
        `the code repository has no snapshot of ${[from, to][i]!.id} (${snapshotRef([from, to][i]!.id)})`,
      );
  const d = await git(
    [
      '--git-dir',
      dir,
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      revs[0]!,
      revs[1]!,
      '--',
      '.',
      ...exclude.map((p) => `:(exclude,literal)${p}`),
    ],
    { allowFail: true, timeoutMs: 60_000 },
  );
  if (d.code !== 0) return err(`git diff failed: ${gitErrorLine(d.stderr) || `exit ${d.code}`}`);
  if (d.stdout.length > MAX_DIFF_CHARS)
    return ok(`${d.stdout.slice(0, MAX_DIFF_CHARS)}\n… diff cut at ${MAX_DIFF_CHARS} characters\n`);
  return ok(d.stdout);
}
