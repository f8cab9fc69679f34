// `mymlops retry ID`: relaunch a stopped (e.g. preempted) commit from the same snapshot as attempt
// n+1, in another zone first, then follow it like `mymlops commit`.
// Heavy modules are imported inside the action so that other commands and Tab stay fast.
import type { Command } from 'commander';
import { config } from '../app/options.js';
import { colorErr } from '../util/log.js';

export function register(program: Command): void {
  program
    .command('retry')
    .description(
      'relaunch a stopped, preempted or failed commit from the same snapshot (attempt n+1, another zone first)',
    )
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS)')
    .option('--force', 'run a succeeded commit again (its result stays in attempts and the output history)')
    .option('--detach', 'return once the new machine runs')
    .option('--json', 'print machine-readable JSON instead of the log')
    .action(async (id: string, opts: { detach?: boolean; json?: boolean; force?: boolean }, cmd: Command) => {
      const [{ followLog }, { retryCommit }, { appContext }, { followAndReport }] = await Promise.all([
        import('../core/commit/follow.js'),
        import('../core/retry/retry.js'),
        import('../app/context.js'),
        import('../app/commit/follow.js'),
      ]);
      const cfg = config(cmd);
      const ctx = appContext(cfg);
      const r = await retryCommit(cfg, id, ctx.retryDeps(), {
        sshOptions: ctx.sshOptions,
        force: Boolean(opts.force),
        // What `mymlops status` would say: the one judgement of the three sources.
        lastStatus: async () => {
          const { statusService } = await import('../app/status/service.js');
          const snap = await statusService(ctx, { failWhenUnreachable: false }).service.snapshot();
          return snap.commits.find((c) => c.id === id)?.status ?? null;
        },
      });
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
      await followAndReport({
        commitId: r.commitId,
        follow: (signal, write) => followLog(ctx.backend(), r.machine.name, { write, signal }),
        interrupted: `\ncommit ${r.commitId} is still running — follow it: mymlops logs ${r.commitId} -f; stop it: mymlops cancel ${r.commitId}\n`,
        json: opts.json ? summary : null,
      });
    });
}
