// What a snapshot may hold, decided as data from what the adapter saw on disk: which paths are left
// out (secrets, the config's .env, deploy keys, the user's exclude patterns, nested repositories),
// whether the untracked files it would add are too big to push, and what differs from the disk.
import type { SnapshotConfig } from '../../config/types.js';
import { globMatcher } from './glob.js';
import { secretByName } from './secrets.js';

export interface SnapshotEntry {
  /** POSIX path inside the repository (no trailing slash). */
  path: string;
  /** In the user's index (false: untracked, not ignored). */
  tracked: boolean;
  kind: 'file' | 'submodule' | 'nested-repo';
  /** Size on disk (stat), null when the file is gone or was not looked at. */
  bytes: number | null;
  /** For the small files secrets.ts reads: whether the content is a credential. */
  secretContent?: boolean;
  /** A tracked file git is told not to look at on disk (`git update-index`, sparse checkouts). */
  flag?: 'assume-unchanged' | 'skip-worktree';
}

export interface SnapshotInspection {
  entries: SnapshotEntry[];
  /** Submodules whose working tree has uncommitted or untracked changes. */
  dirtySubmodules: string[];
}

export type SnapshotRules = SnapshotConfig;

export type ExcludeReason = 'config-env' | 'deploy-key' | 'secret' | 'excluded' | 'nested-repo';

export interface Excluded {
  path: string;
  reason: ExcludeReason;
}

export interface SnapshotPlan {
  /** Paths the snapshot holds, sorted (the notebook is added by the caller when missing). */
  files: string[];
  /** Flagged tracked paths (assume-unchanged, skip-worktree) the snapshot reads from disk anyway. */
  reread: string[];
  /** Untracked files it would add, biggest first, with their sizes. */
  untracked: { path: string; bytes: number }[];
  excluded: Excluded[];
  /** One line each: how the snapshot differs from the disk. */
  warnings: string[];
  /** Set when the snapshot must not be pushed: what and how to fix. */
  refusal: { what: string; fix: string } | null;
}

export interface PlanSnapshotInput {
  inspection: SnapshotInspection;
  rules: SnapshotRules;
  /** Paths inside the repository that are never in a snapshot (the config's .env, deploy keys). */
  always: { path: string; reason: 'config-env' | 'deploy-key' }[];
  /** commit.repository.url: a github.com remote refuses files over GITHUB_FILE_LIMIT_MB. */
  remoteUrl: string;
}

export const GITHUB_FILE_LIMIT_MB = 100;
const MB = 1024 * 1024;

/** The most files a refusal or warning names; the rest are counted. */
const NAMED = 5;

/** A credential by name or content (secrets.ts); commit.snapshot.include keeps one anyway. */
export function looksSecret(e: SnapshotEntry): boolean {
  return secretByName(e.path) || e.secretContent === true;
}

export function isGithubUrl(url: string): boolean {
  return /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?(?:www\.)?github\.com[:/]/i.test(url);
}

export function formatBytes(n: number): string {
  if (n >= MB) return `${(n / MB).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

function excludeReason(
  e: SnapshotEntry,
  input: PlanSnapshotInput,
  userExclude: (p: string) => boolean,
  include: (p: string) => boolean,
): ExcludeReason | null {
  const always = input.always.find((a) => a.path === e.path);
  if (always) return always.reason;
  if (e.kind === 'nested-repo') return 'nested-repo';
  if (userExclude(e.path)) return 'excluded';
  if (looksSecret(e) && !include(e.path)) return 'secret';
  return null;
}

function named(list: { path: string; bytes?: number }[]): string {
  const shown = list
    .slice(0, NAMED)
    .map((f) => (f.bytes === undefined ? f.path : `${f.path} (${formatBytes(f.bytes)})`));
  if (list.length > NAMED) shown.push(`${list.length - NAMED} more`);
  return shown.join(', ');
}

function sizeRefusal(
  untracked: { path: string; bytes: number }[],
  input: PlanSnapshotInput,
): SnapshotPlan['refusal'] {
  const fix =
    'add them to .gitignore (or commit.snapshot.exclude), or raise commit.snapshot.max_file_mb / max_total_mb';
  if (isGithubUrl(input.remoteUrl)) {
    const over = untracked.filter((f) => f.bytes > GITHUB_FILE_LIMIT_MB * MB);
    if (over.length > 0)
      return {
        what: `GitHub refuses files over ${GITHUB_FILE_LIMIT_MB} MB, and the snapshot for ${input.remoteUrl} would add ${named(over)}`,
        fix: 'add them to .gitignore (or commit.snapshot.exclude); raising the limits cannot help on github.com',
      };
  }
  const big = untracked.filter((f) => f.bytes > input.rules.max_file_mb * MB);
  if (big.length > 0)
    return {
      what: `the snapshot would add ${big.length} untracked file${big.length === 1 ? '' : 's'} over commit.snapshot.max_file_mb (${input.rules.max_file_mb} MB): ${named(big)}`,
      fix,
    };
  const total = untracked.reduce((s, f) => s + f.bytes, 0);
  if (total > input.rules.max_total_mb * MB)
    return {
      what: `the snapshot would add ${formatBytes(total)} of untracked files, over commit.snapshot.max_total_mb (${input.rules.max_total_mb} MB); the biggest: ${named(untracked)}`,
      fix,
    };
  return null;
}

const REASON_TEXT: Record<ExcludeReason, string> = {
  'config-env': "the config's .env",
  'deploy-key': 'a deploy key',
  secret: 'looks like a secret',
  excluded: 'commit.snapshot.exclude',
  'nested-repo': 'a nested git repository',
};

/** The excluded paths grouped by reason, one line: "not in the snapshot: .env (the config's .env), …". */
export function excludedLine(excluded: Excluded[]): string | null {
  if (excluded.length === 0) return null;
  const hasSecret = excluded.some((e) => e.reason === 'secret');
  const parts = excluded.map((e) => `${e.path} (${REASON_TEXT[e.reason]})`);
  return `not in the snapshot: ${parts.join(', ')}${hasSecret ? ' — list a path in commit.snapshot.include to keep it' : ''}`;
}

export function planSnapshot(input: PlanSnapshotInput): SnapshotPlan {
  const userExclude = globMatcher(input.rules.exclude);
  const include = globMatcher(input.rules.include);
  const files: string[] = [];
  const excluded: Excluded[] = [];
  const untracked: { path: string; bytes: number }[] = [];
  const reread: string[] = [];
  const notOnDisk: string[] = [];
  for (const e of input.inspection.entries) {
    if (e.flag) reread.push(e.path);
    if (e.flag === 'skip-worktree' && e.bytes === null) notOnDisk.push(e.path);
    const reason = excludeReason(e, input, userExclude, include);
    if (reason) {
      excluded.push({ path: e.path, reason });
      continue;
    }
    if (e.bytes === null && e.kind === 'file') continue; // deleted on disk: git add -A drops it
    files.push(e.path);
    if (!e.tracked && e.bytes !== null) untracked.push({ path: e.path, bytes: e.bytes });
  }
  untracked.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  excluded.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const warnings: string[] = [];
  for (const s of input.inspection.dirtySubmodules)
    warnings.push(
      `submodule ${s} has uncommitted changes: they do not run, its committed version does — commit them in the submodule`,
    );
  for (const e of excluded.filter((x) => x.reason === 'nested-repo'))
    warnings.push(
      `${e.path}/ is a separate git repository inside this one: its files are not in the snapshot — make it a submodule (git submodule add) or move its files into this repository`,
    );
  if (notOnDisk.length > 0)
    warnings.push(
      `${notOnDisk.length} tracked file${notOnDisk.length === 1 ? ' is' : 's are'} outside your sparse checkout, not on disk and not in the snapshot — the job will not see ${named(notOnDisk.sort().map((path) => ({ path })))}; widen the checkout (git sparse-checkout add FOLDER) if the notebook needs them`,
    );
  return {
    files: files.sort(),
    reread,
    untracked,
    excluded,
    warnings,
    refusal: sizeRefusal(untracked, input),
  };
}
