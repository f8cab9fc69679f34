// Heavy modules are imported inside the action so that other commands and Tab stay fast.
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { color, colorErr } from '../util/log.js';
import { escapeControl } from '../util/terminal-text.js';
import { config } from '../app/options.js';
import { addServerOptions, runDashboard, type ServerOptions } from '../app/dashboard/serve.js';

interface StatusOptions extends ServerOptions {
  json?: boolean;
  limit?: string;
  server?: boolean;
}

export function parseLimit(v: string | undefined): number | null {
  if (v === undefined) return null;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UserError(`--limit ${v} is not a positive whole number`, 'pass e.g. --limit 20');
  return Number(v);
}

export function register(program: Command): void {
  const cmd = program
    .command('status')
    .description('list commits, newest first: status, progress, when they finished, how long they took')
    .option('--json', 'print the status as JSON (fields documented in the README)')
    .option('--limit <n>', 'show only the newest N commits')
    .option('--server', 'serve the dashboard instead (same as `mymlops dashboard`)');
  addServerOptions(cmd).action(async (opts: StatusOptions, c: Command) => {
    if (opts.server) return runDashboard(c, opts);
    if ((opts.host !== undefined || opts.port !== undefined) && !opts.server)
      throw new UserError(
        '--host and --port only apply to the dashboard',
        'add --server, or run `mymlops dashboard`',
      );
    const limit = parseLimit(opts.limit);
    const [
      { statusService },
      { attentionHint, renderTable },
      { withDevVms },
      { renderDevVms },
      { appContext },
      { reconciler },
      { resumeSweeps },
      { spawnScheduler },
    ] = await Promise.all([
      import('../app/status/service.js'),
      import('../core/status/table.js'),
      import('../app/dev/status.js'),
      import('../core/devvm/rows.js'),
      import('../app/context.js'),
      import('../app/status/reconcile.js'),
      import('../app/sweep/resume.js'),
      import('../app/sweep/sweep.js'),
    ]);
    const cfg = config(c);
    const ctx = appContext(cfg);
    const notify = (l: string) => process.stderr.write(`${escapeControl(l)}\n`);
    const { service, sources: base } = statusService(ctx, {
      failWhenUnreachable: true,
      wrap: (s) => withDevVms(s, cfg, ctx.home),
    });
    // The one reconcile pass of this command, said on stderr: dev machines past
    // start.idle_shutdown.delete_after are deleted before the status is read.
    const deleteAfter = cfg.start?.idle_shutdown.delete_after ?? null;
    const snap = await reconciler({
      listMachines: () => base.listMachines(),
      autodown: deleteAfter ? { backend: ctx.backend(), home: ctx.home, deleteAfter, notify } : null,
      tunnels: null,
      resumeSweeps: (machines) => resumeSweeps({ home: ctx.home, spawn: spawnScheduler, notify }, machines),
      retries: null,
      snapshot: () => service.snapshot(),
      notify,
    })();
    const commits = limit === null ? snap.commits : snap.commits.slice(0, limit);
    if (opts.json) {
      const out = {
        generated_at: snap.generated_at,
        running: snap.running,
        commits,
        dev_vms: snap.dev_vms,
        warnings: snap.warnings,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    for (const w of snap.warnings)
      process.stderr.write(`${colorErr.yellow(`mymlops: warning: ${escapeControl(w)}`)}\n`);
    process.stdout.write(
      renderTable(commits, {
        now: new Date(),
        paint: color,
        width: process.stdout.isTTY ? process.stdout.columns : null,
      }),
    );
    if (limit !== null && snap.commits.length > limit)
      process.stdout.write(
        `${color.dim(`… ${snap.commits.length - limit} older commit(s) not shown (--limit ${limit})`)}\n`,
      );
    const hint = attentionHint(commits);
    if (hint) process.stdout.write(`${color.dim(hint)}\n`);
    // Dev machines: name, state ("stopped (idle)"), idle countdown, links, ssh command.
    const dev = renderDevVms(snap.dev_vms, color);
    if (dev) process.stdout.write(`\n${dev}`);
  });
}
