// `mymlops dashboard` and `status --server`: the server options, then the dashboard on this
// command's context until Ctrl-C.
import { packagePath } from '../../util/package-root.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { startDashboard } from '../../dashboard/server/start.js';
import { UserError } from '../../errors.js';
import { colorErr } from '../../util/log.js';
import { config } from '../options.js';

export interface ServerOptions {
  host?: string;
  port?: string;
}

export function addServerOptions(cmd: Command): Command {
  return cmd
    .option(
      '--host <host>',
      'address to listen on (default 127.0.0.1; anything else exposes the page on your network)',
    )
    .option('--port <port>', 'port to listen on (default 8000)');
}

export function parsePort(v: string | undefined): number {
  if (v === undefined) return 8000;
  if (!/^\d+$/.test(v) || Number(v) > 65535)
    throw new UserError(
      `--port ${v} is not a port number`,
      'pass a number from 1 to 65535, e.g. --port 8001',
    );
  return Number(v);
}

/** assets/dashboard/ of the package. */
export function assetsDir(): string {
  return packagePath('assets', 'dashboard');
}

export async function runDashboard(cmd: Command, opts: ServerOptions): Promise<void> {
  const host = opts.host ?? '127.0.0.1';
  // Node listens on every interface for an empty host: never by accident.
  if (host.trim() === '')
    throw new UserError(
      '--host is empty, which would listen on every interface',
      'leave --host out for 127.0.0.1, or pass 0.0.0.0 to listen on every interface on purpose',
    );
  const port = parsePort(opts.port);
  const dir = assetsDir();
  if (!existsSync(join(dir, 'app.js')))
    throw new UserError(
      `the dashboard's page is missing from ${dir}`,
      'run `npm run build` (or reinstall mymlops)',
    );
  // Imported here so that other commands and Tab don't load the server.
  const [
    { isLoopback },
    { startDashboard },
    { DevTunnels, withDevVms },
    { appContext },
    { resumeSweeps },
    { spawnScheduler },
  ] = await Promise.all([
    import('../../dashboard/server/host-check.js'),
    import('../../dashboard/server/start.js'),
    import('../dev/status.js'),
    import('../context.js'),
    import('../sweep/resume.js'),
    import('../sweep/sweep.js'),
  ]);
  const cfg = config(cmd);
  const ctx = appContext(cfg);
  const home = ctx.home;
  // Tunnels to running dev VMs live as long as the dashboard.
  const tunnels = new DevTunnels(cfg, home);
  let dash: Awaited<ReturnType<typeof startDashboard>>;
  try {
    dash = await startDashboard(ctx, {
      host,
      port,
      assetsDir: dir,
      wrapSources: (s) => withDevVms(s, cfg, home, tunnels),
      autodown: {
        backend: ctx.backend(),
        home,
        deleteAfter: cfg.start?.idle_shutdown.delete_after ?? null,
      },
      tunnels,
      resumeSweeps: (machines) =>
        resumeSweeps(
          { home, spawn: spawnScheduler, notify: (l) => process.stderr.write(`${l}\n`) },
          machines,
        ),
      notify: (l) => process.stderr.write(`${colorErr.yellow(l)}\n`),
    });
  } catch (e) {
    tunnels.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(
        `port ${port} on ${host} is already in use`,
        'stop the other server or pass --port N',
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UserError(
        `cannot listen on ${host}`,
        'pass an address of this machine with --host, or leave it out for 127.0.0.1',
      );
    if (code === 'EACCES')
      throw new UserError(`not allowed to listen on port ${port}`, 'pick a port above 1023 with --port');
    throw e;
  }
  if (!isLoopback(host))
    process.stderr.write(
      `${colorErr.yellow(`mymlops: warning: the dashboard listens on ${host}: anyone who can reach this machine can see your commits and notebooks`)}\n`,
    );
  process.stdout.write(`dashboard: ${dash.url}  (Ctrl-C to stop)\n`);
  // A first reconcile pass: tunnels up and the index warm before the first page load; errors
  // show on the page.
  dash.refresh().catch(() => {});
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      tunnels.close();
      // A relaunch in flight (commit.retry.preempted) finishes first: it holds the claim.
      Promise.all([dash.close(), dash.retries?.idle()]).then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
