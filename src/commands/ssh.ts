// `mymlops ssh NAME`: an interactive shell in the dev machine's clone; its exit code is ours.
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';

export function register(program: Command): void {
  program
    .command('ssh')
    .description("open a shell in a dev machine's clone (gcloud compute ssh on gce)")
    .argument('<name>', 'dev machine name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const [{ devTarget }, { findDev, shellPlan }, { devDir }, { execInteractive }] = await Promise.all([
        import('../app/dev-target.js'),
        import('../core/devvm/lifecycle.js'),
        import('../adapters/backends/local/devvm.js'),
        import('../util/exec.js'),
      ]);
      const t = devTarget(cmd, name);
      const m = await findDev(name, t);
      const plan = shellPlan(m, {
        repoDir: `${devDir(t.home, name)}/repo`,
        project: t.config?.gcp.project ?? null,
        shell: process.env['SHELL'],
      });
      const missing =
        plan.file === 'gcloud'
          ? 'install the Google Cloud CLI (gcloud) and put it on PATH'
          : `set SHELL to an installed shell (it is ${process.env['SHELL'] ?? 'unset'}), e.g. SHELL=/bin/bash`;
      const code = await execInteractive(plan.file, plan.args, {
        ...(plan.cwd ? { cwd: plan.cwd } : {}),
        missing,
      });
      if (code !== 0) throw new ExitCode(code);
    });
}
