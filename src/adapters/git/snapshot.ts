// Snapshots: a commit of exactly what is on the user's disk (tracked + untracked, non-ignored files)
// with the notebook replaced by its cleared copy, built through a temporary index so the user's
// index, branches and working tree are never touched, then pushed to a hidden ref. Which paths are
// left out is decided by src/core/snapshot/rules.ts; they are removed from the temporary index here.
// Exactly the disk means: files git is told not to look at (assume-unchanged, skip-worktree) are
// looked at, a sparse checkout's files that are not on disk are not in it, and no bytes are
// converted on the way in (line endings: see unconvert.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotError } from './errors.js';
import { git, gitScript } from './git.js';
import { snapshotTempDir } from './snapshot-tmp.js';
import { unconvert } from './unconvert.js';

export { gitErrorLine } from './errors.js';
export { inspectSnapshot } from './inspect.js';
export { deleteRef, pushRef } from './push.js';

export async function repoRoot(dir: string): Promise<string | null> {
  const r = await git(['rev-parse', '--show-toplevel'], { cwd: dir, allowFail: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

export interface Snapshot {
  sha: string;
  tree: string;
  parent: string | null;
}

// The whole snapshot runs as one shell script: from Node each git start costs ~10 ms (spawn and
// pipes), from sh ~2 ms, and this is on the launch path. Arguments come in as $1..$8 (never
// interpolated), the cleared notebook on stdin; stdout is "sha tree parent". $5 holds the pathspecs
// for `git add` (":/" and one literal exclusion per left-out path, so those are never even hashed),
// $6 the left-out paths, also dropped from the index when the user's index tracks them, $7 the
// paths whose assume-unchanged/skip-worktree flags are cleared first. $8 = build: when line endings
// could be converted, stop after the index with "convert" for the caller to fix them, then call
// again with $8 = finish for the tree and commit. core.sparseCheckout is off for this index only:
// with it on, git would keep files that are not on disk and refuse to clear their flags.
const SNAPSHOT_SCRIPT = `set -eu
root=$1 nb=$2 msg=$3 idx=$4 specs=$5 drop=$6 unflag=$7 phase=$8
nl='
'
cd "$root"
GIT_INDEX_FILE=$idx
# Whether line endings could be converted: core.autocrlf, or a text/eol/crlf attribute anywhere.
converts() {
  autocrlf='' global="\${XDG_CONFIG_HOME:-$HOME/.config}/git/attributes"
  while read -r key value; do
    case $key in
      core.autocrlf) autocrlf=$value ;;
      core.attributesfile) global=$value ;;
    esac
  done <<CONFIG
$(git config --get-regexp '^core\\.(autocrlf|attributesfile)$' || true)
CONFIG
  case $autocrlf in [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn] | 1 | input) return 0 ;; esac
  case $global in "~/"*) global=$HOME/\${global#"~/"} ;; esac
  {
    git ls-files -z -- ':(glob)**/.gitattributes' | xargs -0 cat -- 2>/dev/null || true
    cat -- "$info" "$global" /etc/gitattributes 2>/dev/null || true
  } | grep -Eq '(^|[[:space:]])(text|eol|crlf)([[:space:]=]|$)'
}
if [ "$phase" = build ]; then
  paths=$(git rev-parse --git-path index --git-path info/attributes)
  user_index=\${paths%%"$nl"*} info=\${paths#*"$nl"}
  # Starting from a copy of the user's index keeps git's stat cache: only changed files are hashed.
  if [ -f "$user_index" ]; then cp "$user_index" "$idx"; fi
  blob=$(git hash-object -w --stdin --path="$nb")
  export GIT_INDEX_FILE
  if [ -s "$unflag" ]; then
    git -c core.sparseCheckout=false update-index -z --no-assume-unchanged --stdin <"$unflag"
    git -c core.sparseCheckout=false update-index -z --no-skip-worktree --stdin <"$unflag"
  fi
  git -c core.sparseCheckout=false add -A --pathspec-from-file="$specs" --pathspec-file-nul
  if [ -s "$drop" ]; then git update-index -z --force-remove --stdin <"$drop"; fi
  git update-index --add --cacheinfo "100644,$blob,$nb"
  if converts; then
    echo convert
    exit 0
  fi
fi
export GIT_INDEX_FILE
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
  /** Paths (files, nested repositories) the snapshot leaves out, tracked or not. */
  exclude?: string[];
  /** Tracked paths marked assume-unchanged or skip-worktree: read from disk like any other. */
  unflag?: string[];
}): Promise<Snapshot> {
  const tmp = mkdtempSync(snapshotTempDir());
  try {
    const exclude = opts.exclude ?? [];
    const specs = join(tmp, 'pathspecs');
    const drop = join(tmp, 'drop');
    const unflag = join(tmp, 'unflag');
    const index = join(tmp, 'index');
    writeFileSync(specs, [':/', ...exclude.map((p) => `:(top,literal,exclude)${p}`)].join('\0'));
    writeFileSync(drop, exclude.map((p) => `${p}\0`).join(''));
    writeFileSync(unflag, (opts.unflag ?? []).map((p) => `${p}\0`).join(''));
    const run = (phase: 'build' | 'finish') =>
      gitScript(
        SNAPSHOT_SCRIPT,
        [opts.root, opts.notebook, opts.message, index, specs, drop, unflag, phase],
        phase === 'build' ? { input: opts.notebookContent } : {},
      ).catch((e: unknown) => {
        throw snapshotError(e, opts.root);
      });
    let r = await run('build');
    if (r.stdout.trim() === 'convert') {
      await unconvert(opts.root, index, opts.notebook).catch((e: unknown) => {
        throw snapshotError(e, opts.root);
      });
      r = await run('finish');
    }
    const [sha = '', tree = '', parent] = r.stdout.trim().split(' ');
    return { sha, tree, parent: parent || null };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
