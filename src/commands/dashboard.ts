// `mymlops dashboard`: serve the status page (src/app/dashboard/serve.ts).
import type { Command } from 'commander';
import { addServerOptions, runDashboard, type ServerOptions } from '../app/dashboard/serve.js';

export function register(program: Command): void {
  addServerOptions(
    program
      .command('dashboard')
      .description('serve the status page on http://127.0.0.1:8000 (keep it open next to Jupyter)'),
  ).action((opts: ServerOptions, cmd: Command) => runDashboard(cmd, opts));
}
