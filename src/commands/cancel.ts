import type { Command } from 'commander';
import { notImplemented } from './not-implemented.js';

export function register(program: Command): void {
  program
    .command('cancel')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => notImplemented('cancel', 'issue 3'));
}
