// `mymlops logs ID [-f] [--tail N]` (aliases startup-logs, startup_logs): a job's log, from its
// live machine when this home launched it, else from any machine the backend lists by that name or
// commit id (the original's VMs included), else from the output repository's `<id>/job.log` — so
// it works from any computer.
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { debug } from '../util/log.js';

function parseTail(v: string | undefined): number | null {
  if (v === undefined) return null;
  if (!/^\d+$/.test(v))
    throw new UserError(`--tail ${v} is not a whole number of lines`, 'pass e.g. --tail 20');
  return Number(v);
}

export function register(program: Command): void {
  program
    .command('logs')
    .alias('startup-logs')
    .alias('startup_logs')
    .description("print a job's log (commit id or machine name); -f follows it until the job ends")
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS) or machine name')
    .option('-f, --follow', 'keep printing new output until the job ends; exit 1 if it failed')
    .option('--tail <n>', 'print only the last N lines (then follow, with -f)')
    .action(async (id: string, opts: { follow?: boolean; tail?: string }, cmd: Command) => {
      const tail = parseTail(opts.tail);
      // Dev machines (`mymlops start`): their boot/command log, followed until they stop.
      const { devLogs, machineLog } = await import('../app/dev/logs.js');
      if (await devLogs(id, Boolean(opts.follow))) return;
      const [{ launchedHere, listedMachine, logSource, noLog }, { tailLines }] = await Promise.all([
        import('../app/results/job-target.js'),
        import('../core/logs/text.js'),
      ]);
      // Not launched from this home: any machine the backend lists by that name or commit id. A
      // backend that cannot be asked (no credentials on this computer) leaves the published log.
      const listed = launchedHere(id)
        ? null
        : await listedMachine(id, cmd).catch((e: unknown) => {
            debug(`listing machines for ${id} failed:`, String(e));
            return null;
          });
      if (listed)
        return machineLog(listed.backend, listed.machine.name, { follow: Boolean(opts.follow), tail });
      const src = logSource(id, cmd);
      const out = (t: string) => process.stdout.write(t);
      // What the live machine has so far (all of it: --tail needs the end).
      let text = '';
      let next = 0;
      if (src.live) {
        for (;;) {
          const chunk = await src.live.backend.readLog(src.live.rec.machine, next);
          text += chunk.text;
          if (!chunk.text || chunk.next === next) break;
          next = chunk.next;
        }
      }
      if (!opts.follow || !src.live) {
        if (!text) text = (await src.published())?.log ?? '';
        if (!text && !src.live) throw noLog(id);
        out(tail === null ? text : tailLines(text, tail));
        if (!opts.follow) return;
      }
      const { followAndReport, followWithFallback } = await import('../app/commit/follow.js');
      await followAndReport({
        commitId: src.commitId,
        ...(src.live ? { since: Date.parse(src.live.rec.created_at) || Date.now() } : {}),
        follow: (signal, write) =>
          followWithFallback({
            source: src,
            printed: text,
            from: next,
            write,
            signal,
            // The start was printed above (whole, or its tail).
            firstWrite: tail === null ? text : tailLines(text, tail),
          }),
      });
    });
}
