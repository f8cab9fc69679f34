// `mymlops __sweep-scheduler GROUP` (hidden): the detached process a sweep starts. It launches the
// group's queued runs as slots free up (src/core/sweep/scheduler.ts) and exits when none is left.
import type { Command } from 'commander';
import { mymlopsHome } from '../util/paths.js';
import { envValue } from '../util/env.js';

export function register(program: Command): void {
  program
    .command('__sweep-scheduler', { hidden: true })
    .argument('<group>')
    .action(async (group: string) => {
      const [{ appContext }, groups, jobs, { loadConfig }, { runScheduler }, { launchWithFailover }] =
        await Promise.all([
          import('../app/context.js'),
          import('../adapters/store/groups.js'),
          import('../adapters/store/jobs.js'),
          import('../config/load.js'),
          import('../core/sweep/scheduler.js'),
          import('../core/launch/failover.js'),
        ]);
      const home = mymlopsHome();
      const g = groups.readGroup(group, home);
      if (!g) throw new Error(`no sweep group ${group} under ${home}`);
      const backend = appContext(loadConfig({ file: g.config_file }), { home }).backend();
      const log = (line: string) => groups.appendGroupLog(group, line, home);
      log(`scheduler ${process.pid} started: at most ${g.max_parallel} at once`);
      // `status` and the dashboard resume the group when this pid is gone with runs still waiting.
      if (!groups.claimScheduler(group, home))
        return log(`scheduler ${process.pid}: another one runs this group`);
      await runScheduler({
        update: (fn) => groups.updateGroup(group, fn, home),
        list: () => backend.list(),
        launch: (plan) => launchWithFailover(backend, plan),
        cancel: (name) => backend.cancel(name),
        recordLaunch: (rec) => jobs.recordLaunch(rec, home),
        release: (id) => jobs.releaseCommitId(id, home),
        log,
        now: () => new Date(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        pollMs: Number(envValue('MYMLOPS_SWEEP_POLL_MS') ?? 2000),
      }).finally(() => groups.clearSchedulerPid(group, home));
    });
}
