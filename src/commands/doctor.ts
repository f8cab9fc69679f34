import type { Command } from 'commander';
import { EXIT, ExitCode } from '../errors.js';
import { config } from '../app/options.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      `check that a commit can run here (credentials, API, zones, GPU quota, snapshot, service account, repositories, prices); exit ${EXIT.notReady} when not`,
    )
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const cfg = config(cmd);
      const [{ runDoctor }, { canCommit, resultLine }] = await Promise.all([
        import('../app/doctor.js'),
        import('../core/doctor/checks.js'),
      ]);
      const results = await runDoctor(cfg, process.env, (r) => {
        if (!opts.json) process.stdout.write(`${resultLine(r)}\n`);
      });
      const ready = canCommit(results);
      if (opts.json) process.stdout.write(`${JSON.stringify({ ready, checks: results }, null, 2)}\n`);
      else process.stdout.write(ready ? 'ready: a commit can run\n' : 'not ready: fix the ✘ lines above\n');
      if (!ready) throw new ExitCode(EXIT.notReady);
    });
}
