import type { Command } from 'commander';
import { findConfig, loadConfigReport } from '../config/load.js';
import { colorErr } from '../util/log.js';
import { globals } from '../app/options.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check mymlops.yml (and its .env placeholders); prints ok or every problem found')
    .action((_opts, cmd: Command) => {
      const { warnings } = loadConfigReport(findConfig({ file: globals(cmd).config }));
      for (const w of warnings) process.stderr.write(`${colorErr.yellow(`mymlops: warning: ${w}`)}\n`);
      process.stdout.write('ok\n');
    });
}
