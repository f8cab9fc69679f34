// Commits on the local backend in tests: a project to commit from, the pid of a job (its process
// group leader: the job script and its command run detached and outlive the CLI) and the clean-up of
// the jobs a test started.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOME } from '../../src/util/home-layout.js';
import { bareRepo, FAKE_COMMAND, type LocalConfig, userRepo, writeConfig } from './git-repo.js';

/**
 * Under `dir`: the fixture user repository `repo` with a mymlops.yml for the local backend running
 * the fake runner (`c` on top), its code repository `origin.git` and output repository `out.git`.
 */
export function localProject(
  dir: string,
  c: Partial<LocalConfig> = {},
): { repo: string; origin: string; out: string } {
  const origin = bareRepo(join(dir, 'origin.git'));
  const out = bareRepo(join(dir, 'out.git'));
  const repo = userRepo(join(dir, 'repo'));
  writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out, ...c });
  return { repo, origin, out };
}

/** The pid the local backend wrote for commit `id` under `home` (the leader of its process group). */
export function commitJobPid(home: string, id: string): number {
  return Number(readFileSync(join(HOME.job(home, id), 'pid'), 'utf8'));
}

/** SIGKILL to the process group of each commit in `ids` launched from `home`: a failed test's job may run on. */
export function killCommitJobs(home: string, ids: Iterable<string>): void {
  for (const id of ids)
    try {
      process.kill(-commitJobPid(home, id), 'SIGKILL');
    } catch {}
}
