// `mymlops retry ID`: relaunch a stopped (e.g. preempted) commit from the same snapshot as attempt
// n+1, in another zone first, then follow it like `mymlops commit`.
import type { Command } from 'commander';
import { createBackend } from '../adapters/backends/index.js';
import { readLaunch, recordLaunch } from '../adapters/store/jobs.js';
import { followLog, outcomeLine } from '../core/commit/follow.js';
import { type RetryDeps, retryCommit } from '../core/retry/retry.js';
import type { ComputeBackend } from '../adapters/backends/types.js';
import { ExitCode } from '../errors.js';
import { colorErr } from '../util/log.js';
import { mymlopsHome } from '../util/paths.js';
import { sshOptionsFromEnv } from './commit-deps.js';
import { config } from './context.js';

/** The retry use case's adapters (also used by `commit` for automatic retries). */
export function retryDeps(backend: ComputeBackend, home: string = mymlopsHome()): RetryDeps {
  return {
    readLaunch: (x) => readLaunch(x, home),
    recordLaunch: (rec) => recordLaunch(rec, home),
    backend: () => backend,
    now: () => new Date(),
  };
}

export function register(program: Command): void {
  program
    .command('retry')
    .description(
      'relaunch a stopped or preempted commit from the same snapshot (attempt n+1, another zone first)',
    )
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS)')
    .option('--detach', 'return once the new machine runs')
    .option('--json', 'print machine-readable JSON instead of the log')
    .action(async (id: string, opts: { detach?: boolean; json?: boolean }, cmd: Command) => {
      const cfg = config(cmd);
      const home = mymlopsHome();
      const backend = createBackend(cfg, home);
      const r = await retryCommit(cfg, id, retryDeps(backend, home), { sshOptions: sshOptionsFromEnv() });
      const summary = {
        commit: r.commitId,
        attempt: r.attempt,
        machine: r.machine.name,
        zone: r.machine.zone,
      };
      if (opts.detach) {
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(summary)}\n`
            : `commit ${r.commitId} attempt ${r.attempt} running on ${r.machine.name}${r.machine.zone ? ` in ${r.machine.zone}` : ''}\nfollow it: mymlops logs ${r.commitId} -f\n`,
        );
        return;
      }
      if (!opts.json)
        process.stderr.write(
          colorErr.dim(
            `commit ${r.commitId} attempt ${r.attempt} running on ${r.machine.name}${r.machine.zone ? ` in ${r.machine.zone}` : ''}\n`,
          ),
        );
      const res = await followLog(backend, r.machine.name, {
        write: (t) => !opts.json && process.stdout.write(t),
      });
      const o = res.outcome;
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ ...summary, ...(o ?? { status: 'stopped' }) })}\n`);
      const line = outcomeLine(r.commitId, o);
      if (o?.status === 'succeeded') {
        if (!opts.json) process.stderr.write(`${colorErr.green(`mymlops: ${line}`)}\n`);
        return;
      }
      process.stderr.write(`${colorErr.red(`mymlops: ${line}`)}\n`);
      throw new ExitCode(1);
    });
}
