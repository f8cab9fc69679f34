// `mymlops delete NAME [-y] [--json]`: delete a dev machine and its disk (asks first on a terminal).
import type { Command } from 'commander';
import type { Confirm } from '../core/devvm/lifecycle.js';

async function ask(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  program
    .command('delete')
    .description('delete a dev machine and its disk')
    .argument('<name>', 'dev machine name')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { yes?: boolean; json?: boolean }, cmd: Command) => {
      const [{ devTarget }, { deleteDev }] = await Promise.all([
        import('../app/dev/target.js'),
        import('../core/devvm/lifecycle.js'),
      ]);
      const t = devTarget(cmd, name);
      const confirm: Confirm = opts.yes
        ? { yes: true }
        : { yes: false, ask: process.stdin.isTTY && process.stderr.isTTY ? ask : null };
      const m = await deleteDev(name, t, confirm);
      if (m) t.forget();
      const out =
        m === 'already-gone'
          ? `dev machine ${name} was already deleted; forgot it here`
          : m
            ? `deleted dev machine ${name}`
            : `kept dev machine ${name}`;
      if (opts.json) process.stdout.write(`${JSON.stringify({ name, deleted: Boolean(m) })}\n`);
      else process.stdout.write(`${out}\n`);
    });
}
