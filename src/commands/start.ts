// `mymlops start [--name NAME] [--dry-run] [--json]`: a dev machine with the repository cloned and
// start.command running, stopped by its idle watchdog.
// Heavy modules are imported inside the action so that other commands and Tab stay fast.
import type { Command } from 'commander';
import { HOME } from '../util/home-layout.js';
import { color } from '../util/log.js';
import { config } from '../app/options.js';

interface Opts {
  name?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start a dev machine: clone the repository, run start.command, stop it when idle')
    .option(
      '--name <name>',
      'machine name (default mymlops-start-YYYYmmdd-HHMMSS); a stopped machine of that name is resumed',
    )
    .option('--dry-run', 'print the machine request, job.json and script, and create nothing')
    .option('--json', 'print machine-readable JSON')
    .action(async (opts: Opts, cmd: Command) => {
      const [
        { recordDevMachine },
        { logCommand, portLinks, sshCommand },
        { startDevMachine },
        { checkKey },
        { appContext },
        { readStartScript },
      ] = await Promise.all([
        import('../adapters/backends/local/devvm.js'),
        import('../core/devvm/access.js'),
        import('../core/devvm/start.js'),
        import('../app/commit/deps.js'),
        import('../app/context.js'),
        import('../adapters/assets.js'),
      ]);
      const cfg = config(cmd);
      const ctx = appContext(cfg);
      const home = ctx.home;
      const out = await startDevMachine(
        cfg,
        { name: opts.name ?? null, dryRun: Boolean(opts.dryRun) },
        {
          now: ctx.now,
          backend: ctx.backend,
          checkKey,
          sshOptions: ctx.sshOptions,
          startScript: readStartScript,
        },
      );
      const { plan, machine } = out;
      const idle = cfg.start!.idle_shutdown;
      const w = (s: string): void => {
        process.stdout.write(`${s}\n`);
      };
      if (opts.dryRun) {
        if (opts.json) return w(JSON.stringify({ dry_run: true, plan }, null, 2));
        w(`${color.bold('start')} ${plan.machineName} (${cfg.backend}; dry run: nothing was created)`);
        if (plan.instance) w(`instance  ${JSON.stringify(plan.instance)}`);
        w(`labels    ${JSON.stringify(plan.labels)}`);
        w(`${color.bold('job.json')}\n${JSON.stringify(plan.jobConfig, null, 2)}`);
        w(`${color.bold('job script')}\n${plan.jobScript}`);
        return;
      }
      const m = machine!;
      if (!out.resumed)
        recordDevMachine(home, {
          name: m.name,
          backend: m.backend,
          zone: m.zone,
          created_at: new Date().toISOString(),
        });
      const repoDir = cfg.backend === 'local' ? HOME.devRepo(home, m.name) : undefined;
      const ports = cfg.dashboard.tunnel?.remote_ports ?? [];
      const links = cfg.backend === 'local' ? portLinks(ports, null) : [];
      if (opts.json)
        return w(
          JSON.stringify({
            name: m.name,
            backend: m.backend,
            zone: m.zone,
            state: m.state,
            resumed: out.resumed,
            ssh: sshCommand(m, { repoDir, project: cfg.gcp.project }),
            logs: logCommand(m.name),
            links: links.map((l) => l.url),
          }),
        );
      w(
        `${color.green(out.resumed ? 'resumed' : 'started')} dev machine ${color.bold(m.name)}${m.zone ? ` in ${m.zone}` : ''}`,
      );
      w(
        `  ${cfg.backend === 'local' ? 'repo' : 'ssh '}  ${sshCommand(m, { repoDir, project: cfg.gcp.project })}`,
      );
      w(`  logs  ${logCommand(m.name)}`);
      for (const l of links) w(`  port  ${l.url}`);
      if (cfg.backend !== 'local' && ports.length) w('  ports are tunnelled by `mymlops dashboard`');
      w(
        idle.timeout > 0
          ? `  idle watchdog: ${idle.action === 'delete' ? 'deleted' : 'stopped'} after ${Math.round(idle.timeout / 60)} min idle (see mymlops status)`
          : '  idle shutdown is disabled (start.idle_shutdown.timeout: 0)',
      );
    });
}
