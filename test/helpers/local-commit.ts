// Commits on the local backend in tests: the pid of a job (its process group leader: the job script
// and its command run detached and outlive the CLI) and the clean-up of the jobs a test started.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOME } from '../../src/util/home-layout.js';

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
