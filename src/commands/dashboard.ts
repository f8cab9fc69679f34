import type { Command } from 'commander';
import { UserError } from '../errors.js';

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

export async function runDashboard(_cmd: Command, _opts: ServerOptions): Promise<void> {
  throw new UserError('the dashboard is not implemented yet', 'use `mymlops status`');
}

export function register(program: Command): void {
  addServerOptions(
    program
      .command('dashboard')
      .description('serve the status page on http://127.0.0.1:8000 (keep it open next to Jupyter)'),
  ).action((opts: ServerOptions, cmd: Command) => runDashboard(cmd, opts));
}
