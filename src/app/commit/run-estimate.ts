// "usually ~4m": how long a notebook took the last time it succeeded, from this machine's job
// records only (no network on the launch path). A follower that saw a job end leaves
// `<home>/jobs/<id>/outcome.json`; a local job's own result.json says the same.
import { existsSync } from 'node:fs';
import { jobDir, listLaunches, readJson, writeJson } from '../../adapters/store/jobs.js';
import type { JobOutcome } from '../../core/commit/outcome.js';
import { type PastRun, usualDuration } from '../../core/commit/progress-line.js';
import { HOME } from '../../util/home-layout.js';

interface SeenOutcome {
  status?: unknown;
  duration_seconds?: unknown;
}

/** The newest succeeded run of `notebook` recorded under `home`, other than `except`. */
export function estimateFor(home: string, notebook: string, except: string): number | null {
  const runs: PastRun[] = [];
  for (const rec of listLaunches(home)) {
    if (rec.commit === except || rec.notebook !== notebook) continue;
    const seen =
      readJson<SeenOutcome>(HOME.jobOutcome(home, rec.commit)) ??
      readJson<SeenOutcome>(HOME.jobResult(home, rec.commit));
    if (!seen) continue;
    runs.push({
      notebook: rec.notebook,
      status: String(seen.status),
      durationSeconds: typeof seen.duration_seconds === 'number' ? seen.duration_seconds : null,
      at: rec.created_at,
    });
    // Records come newest first: the first succeeded one is the answer.
    if (usualDuration(runs, notebook) !== null) break;
  }
  return usualDuration(runs, notebook);
}

/** Remembers how a followed job ended, when this machine has its job folder (never creates one). */
export function rememberOutcome(home: string, commitId: string, o: JobOutcome | null): void {
  const dir = jobDir(commitId, home);
  if (!o || !existsSync(dir)) return;
  try {
    writeJson(HOME.jobOutcome(home, commitId), {
      status: o.status,
      duration_seconds: o.durationSeconds ?? null,
    });
  } catch {}
}
