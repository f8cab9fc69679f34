// Snapshots: a commit of exactly what is on the user's disk (tracked + untracked, non-ignored files)
// with the notebook replaced by its cleared copy, built through a temporary index so the user's
// index, branches and working tree are never touched, then pushed to a hidden ref.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../errors.js';
import { git, type GitAuth, gitScript } from './git.js';

export async function repoRoot(dir: string): Promise<string | null> {
  const r = await git(['rev-parse', '--show-toplevel'], { cwd: dir, allowFail: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Files a snapshot would hold (for --dry-run; writes nothing, not even objects). */
export async function snapshotFiles(root: string): Promise<string[]> {
  const r = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'], {
    cwd: root,
  });
  const files = r.stdout.split('\0').filter(Boolean);
  return files.filter((f) => existsSync(join(root, f))).sort();
}

export interface Snapshot {
  sha: string;
  tree: string;
  parent: string | null;
}

// The whole snapshot runs as one shell script: from Node each git start costs ~10 ms (spawn and
// pipes), from sh ~2 ms, and this is on the launch path. Arguments come in as $1..$4 (never
// interpolated), the cleared notebook on stdin; stdout is "sha tree parent".
const SNAPSHOT_SCRIPT = `set -eu
root=$1 nb=$2 msg=$3 idx=$4
cd "$root"
user_index=$(git rev-parse --git-path index)
# Starting from a copy of the user's index keeps git's stat cache: only changed files are hashed.
if [ -f "$user_index" ]; then cp "$user_index" "$idx"; fi
blob=$(git hash-object -w --stdin --path="$nb")
GIT_INDEX_FILE=$idx
export GIT_INDEX_FILE
git add -A -- ':/'
git update-index --add --cacheinfo "100644,$blob,$nb"
tree=$(git write-tree)
# A repository without user.name/email still gets a snapshot, under a mymlops identity.
if ! git var GIT_AUTHOR_IDENT >/dev/null 2>&1; then
  GIT_AUTHOR_NAME=mymlops GIT_AUTHOR_EMAIL=mymlops@localhost
  export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
fi
if ! git var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
  GIT_COMMITTER_NAME=mymlops GIT_COMMITTER_EMAIL=mymlops@localhost
  export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
fi
if parent=$(git rev-parse --verify -q 'HEAD^{commit}'); then
  sha=$(git commit-tree "$tree" -p "$parent" -m "$msg")
else
  parent=
  sha=$(git commit-tree "$tree" -m "$msg")
fi
echo "$sha $tree $parent"
`;

export async function createSnapshot(opts: {
  root: string;
  /** Notebook path inside the repository (POSIX). */
  notebook: string;
  /** The cleared notebook's content, stored in place of the file on disk. */
  notebookContent: string;
  message: string;
}): Promise<Snapshot> {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-snapshot-'));
  try {
    const r = await gitScript(SNAPSHOT_SCRIPT, [opts.root, opts.notebook, opts.message, join(tmp, 'index')], {
      input: opts.notebookContent,
    });
    const [sha = '', tree = '', parent] = r.stdout.trim().split(' ');
    return { sha, tree, parent: parent || null };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const GENERIC =
  /Could not read from remote repository|Please make sure you have the correct|and the repository exists|^hint:|^To |^ ! \[/;

/** The most telling line of git's stderr: the first fatal/error that is not git's generic advice. */
export function gitErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !GENERIC.test(l));
  return lines.find((l) => /^(fatal|error|remote: error|remote:)/.test(l)) ?? lines.at(-1) ?? '';
}

/** Push `sha` to `ref` on `url` (never forced, user hooks skipped). */
export async function pushRef(opts: {
  root: string;
  url: string;
  sha: string;
  ref: string;
  auth: GitAuth;
}): Promise<Result<void, string>> {
  const r = await git(['push', '--no-verify', '--quiet', opts.url, `${opts.sha}:${opts.ref}`], {
    cwd: opts.root,
    auth: opts.auth,
    allowFail: true,
    timeoutMs: 120_000,
  });
  if (r.code === 0) return ok(undefined);
  return err(gitErrorLine(r.stderr) || `git push exited ${r.code}`);
}

/** Best-effort removal of a pushed ref (a launch that failed after the push). */
export async function deleteRef(opts: {
  root: string;
  url: string;
  ref: string;
  auth: GitAuth;
}): Promise<void> {
  await git(['push', '--no-verify', '--quiet', opts.url, `:${opts.ref}`], {
    cwd: opts.root,
    auth: opts.auth,
    allowFail: true,
    timeoutMs: 60_000,
  });
}
