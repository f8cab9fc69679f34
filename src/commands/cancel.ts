// `mymlops cancel ID`: stop a running commit job (its status becomes `cancelled`).
import type { Command } from 'commander';
import { UserError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('cancel')
    .description('stop a running commit (status becomes cancelled)')
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS), machine name, or sweep group (…g)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { isGroupId } = await import('../core/sweep/expand.js');
      if (isGroupId(id)) return (await import('../app/cancel-group.js')).cancelGroup(id, Boolean(opts.json));
      const { jobTarget, machineOf } = await import('../app/job-target.js');
      const { rec, backend } = jobTarget(id);
      const machine = machineOf(rec, await backend.list());
      if (!machine && rec.state === 'launching')
        throw new UserError(
          `commit ${rec.commit} has no machine: its launch was interrupted before one was created`,
          'nothing runs; commit again or `mymlops retry` it',
        );
      if (!machine || (machine.state !== 'running' && machine.state !== 'provisioning'))
        throw new UserError(
          `commit ${rec.commit} is not running (${machine ? `${machine.state}${machine.reason ? `: ${machine.reason}` : ''}` : 'gone'})`,
          'see its result with `mymlops status`',
        );
      await backend.cancel(machine.name);
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ commit: rec.commit, machine: machine.name, status: 'cancelled' })}\n`,
        );
      else process.stdout.write(`cancelled commit ${rec.commit} (${machine.name})\n`);
    });
}
