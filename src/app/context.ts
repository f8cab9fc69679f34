// The one place a command's context is built: config, home, the backend, ssh options for git
// (MYMLOPS_SSH_OPTIONS), the clock, and the adapters retries need. Every command and the dashboard
// get theirs from here, so no caller can forget a part of it.
import { readJobScript } from '../adapters/assets.js';
import { createBackend } from '../adapters/backends/index.js';
import { claimRetry, readLaunch, recordLaunch, retryClaims } from '../adapters/store/jobs.js';
import type { Config } from '../config/types.js';
import type { BackendKind } from '../core/model.js';
import type { ComputeBackend } from '../core/ports/backend.js';
import type { AutoRetryDeps } from '../core/retry/retry.js';
import { mymlopsHome } from '../util/paths.js';
import { envValue } from '../util/env.js';

export interface AppContext {
  config: Config;
  home: string;
  /** Extra ssh arguments for every git-over-ssh call, here and on the machine. */
  sshOptions: string[];
  now(): Date;
  /** The configured backend, made once per context. */
  backend(): ComputeBackend;
  /** What retryCommit and the automatic retries need. */
  retryDeps(): AutoRetryDeps;
}

/** `MYMLOPS_SSH_OPTIONS`: space-separated ssh arguments (e.g. `-o UserKnownHostsFile=...`). */
export function sshOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (envValue('MYMLOPS_SSH_OPTIONS', env) ?? '').split(/\s+/).filter(Boolean);
}

/**
 * The backend of `kind` (or of the config, which also brings the gcp section); commands without
 * a config (logs, cancel) pick the backend a launch record names.
 */
export function backendFor(config: Config | { backend: BackendKind }, home: string): ComputeBackend {
  return createBackend(config, home);
}

export function appContext(config: Config, o: { home?: string; env?: NodeJS.ProcessEnv } = {}): AppContext {
  const env = o.env ?? process.env;
  const home = o.home ?? mymlopsHome(env);
  let backend: ComputeBackend | null = null;
  const ctx: AppContext = {
    config,
    home,
    sshOptions: sshOptionsFromEnv(env),
    now: () => new Date(),
    backend: () => {
      backend ??= backendFor(config, home);
      return backend;
    },
    retryDeps: () => ({
      readLaunch: (x) => readLaunch(x, home),
      recordLaunch: (rec) => recordLaunch(rec, home),
      backend: ctx.backend,
      now: ctx.now,
      claimRetry: (id, machine) => claimRetry(id, machine, home),
      retryClaims: (id) => retryClaims(id, home),
      jobScript: readJobScript,
    }),
  };
  return ctx;
}
