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
      const { reportDoctor } = await import('../app/doctor/doctor.js');
      if (!(await reportDoctor(cfg, opts.json === true))) throw new ExitCode(EXIT.notReady);
    });
}
