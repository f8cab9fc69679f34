// The retry use case's adapters, shared by `retry` and `commit` (automatic retries).
import type { ComputeBackend } from '../core/ports/backend.js';
import { claimRetry, readLaunch, recordLaunch, retryClaims } from '../adapters/store/jobs.js';
import type { AutoRetryDeps } from '../core/retry/retry.js';
import { mymlopsHome } from '../util/paths.js';

export function retryDeps(backend: ComputeBackend, home: string = mymlopsHome()): AutoRetryDeps {
  return {
    readLaunch: (x) => readLaunch(x, home),
    recordLaunch: (rec) => recordLaunch(rec, home),
    backend: () => backend,
    now: () => new Date(),
    claimRetry: (id, machine) => claimRetry(id, machine, home),
    retryClaims: (id) => retryClaims(id, home),
  };
}
