// What a snapshot of the working tree would take, read cheaply for the pure rules
// (src/core/snapshot/rules.ts): one sh process lists the index (with modes, so submodules show) and
// the untracked, not ignored files; then only stat() per file, and a read of the few small files
// whose content decides whether they are credentials (src/core/snapshot/secrets.ts). This runs on
// every launch, so nothing here hashes content.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotEntry, SnapshotInspection } from '../../core/snapshot/rules.js';
import { readsContent, secretByContent } from '../../core/snapshot/secrets.js';
import { snapshotError } from './errors.js';
import { git, gitScript } from './git.js';

const LIST_SCRIPT = `set -eu
cd "$1"
git ls-files -z --stage -v
printf '\\0--others--\\0'
git ls-files -z --others --exclude-standard
`;

function secretContent(root: string, path: string): boolean {
  try {
    // A symbolic link is pushed as a link, never its target: only regular files are read.
    if (!lstatSync(join(root, path)).isFile()) return false;
    return secretByContent(path, readFileSync(join(root, path), 'latin1'));
  } catch {
    return false;
  }
}

function sizeOf(path: string): number | null {
  try {
    // lstat: a symbolic link is stored as a link, whatever it points to.
    const s = lstatSync(path);
    return s.isFile() || s.isSymbolicLink() ? s.size : null;
  } catch {
    return null;
  }
}

function fileEntry(root: string, path: string, tracked: boolean): SnapshotEntry {
  const bytes = sizeOf(join(root, path));
  const entry: SnapshotEntry = { path, tracked, kind: 'file', bytes };
  if (bytes !== null && readsContent(path, bytes, tracked)) entry.secretContent = secretContent(root, path);
  return entry;
}

/** A tracked path with its mode and the flag that makes git ignore its file on disk, if any. */
interface Tracked {
  path: string;
  mode: string;
  flag?: 'assume-unchanged' | 'skip-worktree';
}

/** `ls-files --stage -v` records: `<tag> <mode> <sha> <stage>\t<path>` (tag: lower case = assume-unchanged, S = skip-worktree). */
export function parseListing(stdout: string): { tracked: Tracked[]; others: string[] } {
  const [staged = '', others = ''] = stdout.split('\0--others--\0');
  const seen = new Set<string>();
  const tracked: Tracked[] = [];
  for (const rec of staged.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const path = rec.slice(tab + 1);
    if (seen.has(path)) continue; // a conflicted path has one line per stage
    seen.add(path);
    const [tag = 'H', mode = ''] = rec.slice(0, tab).split(' ');
    const t: Tracked = { path, mode };
    if (tag === 'S' || tag === 's') t.flag = 'skip-worktree';
    else if (tag !== tag.toUpperCase()) t.flag = 'assume-unchanged';
    tracked.push(t);
  }
  return { tracked, others: others.split('\0').filter(Boolean) };
}

async function dirtySubmodules(root: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const r = await git(
    [
      'status',
      '--porcelain=v2',
      '-z',
      '--ignore-submodules=none',
      '--untracked-files=normal',
      '--',
      ...paths,
    ],
    { cwd: root, allowFail: true },
  );
  const dirty: string[] = [];
  for (const rec of r.stdout.split('\0')) {
    // "1 XY S<c><m><u> …path": m = tracked changes inside, u = untracked files inside.
    const m = /^[12] \S\S S.([M.])([U.]) (?:\S+ ){5}(.*)$/.exec(rec);
    if (m && (m[1] === 'M' || m[2] === 'U') && m[3]) dirty.push(m[3]);
  }
  return dirty.sort();
}

export async function inspectSnapshot(root: string): Promise<SnapshotInspection> {
  let stdout: string;
  try {
    stdout = (await gitScript(LIST_SCRIPT, [root])).stdout;
  } catch (e) {
    throw snapshotError(e, root);
  }
  const listing = parseListing(stdout);
  const entries: SnapshotEntry[] = [];
  const submodules: string[] = [];
  for (const t of listing.tracked) {
    if (t.mode === '160000') {
      submodules.push(t.path);
      entries.push({ path: t.path, tracked: true, kind: 'submodule', bytes: null });
      continue;
    }
    const entry = fileEntry(root, t.path, true);
    if (t.flag) entry.flag = t.flag;
    entries.push(entry);
  }
  for (const o of listing.others) {
    // git lists a nested repository as one "dir/" entry instead of its files.
    if (o.endsWith('/')) {
      entries.push({ path: o.slice(0, -1), tracked: false, kind: 'nested-repo', bytes: null });
      continue;
    }
    entries.push(fileEntry(root, o, false));
  }
  return { entries, dirtySubmodules: await dirtySubmodules(root, submodules) };
}
