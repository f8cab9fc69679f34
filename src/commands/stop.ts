// `mymlops stop NAME [--json]`: stop a dev machine and keep its disk; `start --name NAME` resumes it.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('stop')
    .description('stop a dev machine, keeping its disk (resume it with start --name NAME)')
    .argument('<name>', 'dev machine name')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const [{ devTarget }, { stopDev }] = await Promise.all([
        import('../app/dev/target.js'),
        import('../core/devvm/lifecycle.js'),
      ]);
      const m = await stopDev(name, devTarget(cmd, name));
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ name, backend: m.backend, zone: m.zone, state: 'stopped' })}\n`,
        );
      else
        process.stdout.write(
          `stopped dev machine ${name} (start it again with mymlops start --name ${name})\n`,
        );
    });
}
