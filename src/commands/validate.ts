import type { Command } from 'commander';
import { config } from '../app/options.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check mymlops.yml (and its .env placeholders); prints ok or every problem found')
    .action((_opts, cmd: Command) => {
      config(cmd);
      process.stdout.write('ok\n');
    });
}
