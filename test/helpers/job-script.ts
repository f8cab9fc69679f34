// The job script (assets/job/job.sh) run by hand, as it is: a source repository pushed to a bare
// remote, a job folder whose job.json runs it for the local backend, the script run with nothing but
// PATH, HOME and MYMLOPS_JOB_DIR (plus what a test adds), and an output repository whose server
// refuses large files (a pre-receive hook: GitHub's check, with a smaller limit).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_SCRIPT_ASSET } from '../../src/adapters/assets.js';
import { bareRepo, commitFiles, FAKE_COMMAND, git, userRepo } from './git-repo.js';
import { FIXTURES } from './output-repo.js';

/** A bare output repository at `path` whose pre-receive hook refuses blobs over `maxBlobBytes`. */
export function guardedOutputRepo(path: string, maxBlobBytes: number): string {
  const out = bareRepo(path);
  copyFileSync(join(FIXTURES, 'hooks', 'pre-receive-max-blob'), join(out, 'hooks', 'pre-receive'));
  git(out, 'config', 'hooks.maxBlobBytes', String(maxBlobBytes));
  return out;
}

export interface JobSource {
  /** The user repository (the fixture notebooks, then `files` if given). */
  user: string;
  /** The bare repository the job clones, with the user's master pushed. */
  remote: string;
  /** The commit the job checks out (master's head). */
  sha: string;
}

/** Under `dir`: the fixture user repository (plus `files` committed as `message`) pushed to `remote.git`. */
export function jobSource(
  dir: string,
  files?: Record<string, string | Buffer>,
  message = 'files',
): JobSource {
  const user = userRepo(join(dir, 'user'));
  if (files) commitFiles(user, files, message);
  const remote = bareRepo(join(dir, 'remote.git'));
  git(user, 'push', '-q', remote, 'master');
  return { user, remote, sha: git(user, 'rev-parse', 'HEAD') };
}

/**
 * Makes the job folder `dir` with a job.json of commit `id` on the local backend: the fake runner on
 * notebooks/quick.ipynb of `source` at `source.sha`, published to `out`, no limits, no artifacts;
 * `over` replaces (or adds) top-level fields.
 */
export function jobFolder(
  dir: string,
  id: string,
  source: Pick<JobSource, 'remote' | 'sha'>,
  out: string,
  over: Record<string, unknown> = {},
): string {
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'job.json'),
    JSON.stringify({
      version: 1,
      commit_id: id,
      command: FAKE_COMMAND,
      notebook: 'notebooks/quick.ipynb',
      repository: { url: source.remote, branch: 'master', ref: 'refs/heads/master', sha: source.sha },
      output_repository: { url: out, branch: 'master' },
      artifacts: false,
      notes: null,
      progress_interval: 0,
      max_duration: 0,
      log_max_bytes: 100000,
      keep_workdir: false,
      ssh_options: [],
      git_user: { name: 't', email: 't@t' },
      metadata: { commit: id },
      machine: { backend: 'local', instance: null, zone: null, machine_type: null, hourly_usd: null },
      ...over,
    }),
  );
  return dir;
}

/** The whole environment of a job run by hand on folder `dir`: PATH, HOME, MYMLOPS_JOB_DIR, then `more`. */
export function jobScriptEnv(dir: string, more: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], HOME: process.env['HOME'], MYMLOPS_JOB_DIR: dir, ...more };
}

/** `MYMLOPS_JOB_DIR=<dir> bash assets/job/job.sh` to its end (at most 60 s). */
export function runJobScript(dir: string, more: Record<string, string> = {}) {
  return spawnSync('bash', [JOB_SCRIPT_ASSET], {
    encoding: 'utf8',
    env: jobScriptEnv(dir, more),
    timeout: 60_000,
  });
}
