// `mymlops ssh NAME`: an interactive shell in a machine's checkout; its exit code is ours. NAME is a
// dev machine, or any machine the backend lists by name or commit id (a commit VM, launched from
// this computer or not): on gce `gcloud compute ssh` as root in the clone.
import type { Command } from 'commander';
import { HOME } from '../util/home-layout.js';
import { ExitCode } from '../errors.js';
import { envValue } from '../util/env.js';

export function register(program: Command): void {
  program
    .command('ssh')
    .description(
      "open a shell in a machine's clone: a dev machine, or a commit's VM (gcloud compute ssh on gce)",
    )
    .argument('<name>', 'dev machine name, machine name or commit id')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const [
        { devTarget },
        { findDev, shellPlan },
        { machineByNameOrCommit, commitOfListed },
        { execInteractive },
      ] = await Promise.all([
        import('../app/dev/target.js'),
        import('../core/devvm/lifecycle.js'),
        import('../core/machine-match.js'),
        import('../util/exec.js'),
      ]);
      const t = devTarget(cmd, name);
      const listed = machineByNameOrCommit(name, await t.backend.list());
      // Unknown names get findDev's message (with the dev machines known here).
      const m = listed ?? (await findDev(name, t));
      const commit = commitOfListed(m);
      const plan = shellPlan(m, {
        repoDir: commit ? HOME.jobRepo(t.home, commit) : HOME.devRepo(t.home, m.name),
        project: t.config?.gcp.project ?? null,
        shell: envValue('SHELL'),
      });
      const missing =
        plan.file === 'gcloud'
          ? 'install the Google Cloud CLI (gcloud) and put it on PATH'
          : `set SHELL to an installed shell (it is ${envValue('SHELL') ?? 'unset'}), e.g. SHELL=/bin/bash`;
      const code = await execInteractive(plan.file, plan.args, {
        ...(plan.cwd ? { cwd: plan.cwd } : {}),
        missing,
      });
      if (code !== 0) throw new ExitCode(code);
    });
}
