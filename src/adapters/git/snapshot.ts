// Snapshots: a commit of exactly what is on the user's disk (tracked + untracked, non-ignored files)
// with the notebook replaced by its cleared copy, built through a temporary index so the user's
// index, branches and working tree are never touched, then pushed to a hidden ref.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { err, ok, type Result } from '../../errors.js';
import { git, type GitAuth } from './git.js';

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

async function identityEnv(root: string): Promise<NodeJS.ProcessEnv> {
  // A repository without user.name/email still gets a snapshot: fall back to a mymlops identity.
  const [r, c] = await Promise.all([
    git(['var', 'GIT_AUTHOR_IDENT'], { cwd: root, allowFail: true }),
    git(['var', 'GIT_COMMITTER_IDENT'], { cwd: root, allowFail: true }),
  ]);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (r.code !== 0) {
    env['GIT_AUTHOR_NAME'] = 'mymlops';
    env['GIT_AUTHOR_EMAIL'] = 'mymlops@localhost';
  }
  if (c.code !== 0) {
    env['GIT_COMMITTER_NAME'] = 'mymlops';
    env['GIT_COMMITTER_EMAIL'] = 'mymlops@localhost';
  }
  return env;
}

export async function createSnapshot(opts: {
  root: string;
  /** Notebook path inside the repository (POSIX). */
  notebook: string;
  /** The cleared notebook's content, stored in place of the file on disk. */
  notebookContent: string;
  message: string;
}): Promise<Snapshot> {
  const { root } = opts;
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-snapshot-'));
  try {
    const index = join(tmp, 'index');
    // Independent look-ups run at once: each git start costs a few ms and this is on the launch path.
    const [gitPath, identity, head, blobOut] = await Promise.all([
      git(['rev-parse', '--git-path', 'index'], { cwd: root }),
      identityEnv(root),
      git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: root, allowFail: true }),
      git(['hash-object', '-w', '--stdin', `--path=${opts.notebook}`], {
        cwd: root,
        input: opts.notebookContent,
      }),
    ]);
    const userIndex = resolve(root, gitPath.stdout.trim());
    // Starting from a copy of the user's index keeps git's stat cache: only changed files are hashed.
    if (existsSync(userIndex)) copyFileSync(userIndex, index);
    const env = { ...identity, GIT_INDEX_FILE: index };
    await git(['add', '-A', '--', ':/'], { cwd: root, env });
    const blob = blobOut.stdout.trim();
    await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${opts.notebook}`], {
      cwd: root,
      env,
    });
    const tree = (await git(['write-tree'], { cwd: root, env })).stdout.trim();
    const parent = head.code === 0 ? head.stdout.trim() : null;
    const args = ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', opts.message];
    const sha = (await git(args, { cwd: root, env })).stdout.trim();
    return { sha, tree, parent };
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
