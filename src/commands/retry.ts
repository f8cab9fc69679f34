import type { Command } from 'commander';
import { notImplemented } from './not-implemented.js';

export function register(program: Command): void {
  program
    .command('retry')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => notImplemented('retry', 'issue 5'));
}
