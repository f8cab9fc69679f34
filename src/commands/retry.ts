// `mymlops retry ID`: relaunch a stopped (e.g. preempted) commit from the same snapshot as attempt
// n+1, in another zone first, then follow it like `mymlops commit`.
// Heavy modules are imported inside the action so that other commands and Tab stay fast.
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { colorErr } from '../util/log.js';
import { mymlopsHome } from '../util/paths.js';
import { config } from './context.js';

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
      const [
        { createBackend },
        { followLog, outcomeLine },
        { retryCommit },
        { sshOptionsFromEnv },
        { retryDeps },
      ] = await Promise.all([
        import('../adapters/backends/index.js'),
        import('../core/commit/follow.js'),
        import('../core/retry/retry.js'),
        import('./commit-deps.js'),
        import('./retry-deps.js'),
      ]);
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
