// `mymlops logs ID [-f]` (aliases startup-logs, startup_logs): a job's log, through its backend.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('logs')
    .alias('startup-logs')
    .alias('startup_logs')
    .description("print a job's log (commit id or machine name); -f follows it until the job ends")
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS) or machine name')
    .option('-f, --follow', 'keep printing new output until the job ends; exit 1 if it failed')
    .action(async (id: string, opts: { follow?: boolean }) => {
      // Dev machines (`mymlops start`): their boot/command log, followed until they stop.
      const { devLogs } = await import('../app/dev-logs.js');
      if (await devLogs(id, Boolean(opts.follow))) return;
      const { jobTarget } = await import('../app/job-target.js');
      const { rec, backend } = jobTarget(id);
      if (!opts.follow) {
        let from = 0;
        for (;;) {
          const chunk = await backend.readLog(rec.machine, from);
          process.stdout.write(chunk.text);
          if (!chunk.text || chunk.next === from) break;
          from = chunk.next;
        }
        return;
      }
      const [{ followLog }, { followAndReport }] = await Promise.all([
        import('../core/commit/follow.js'),
        import('../app/follow.js'),
      ]);
      await followAndReport({
        commitId: rec.commit,
        follow: (signal) =>
          followLog(backend, rec.machine, { write: (t) => process.stdout.write(t), signal }),
      });
    });
}
