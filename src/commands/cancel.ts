// `mymlops cancel ID`: stop a running commit job (its status becomes `cancelled`). ID is a commit
// id or machine name launched from this home, else any commit machine the backend lists by that
// name or commit id (launched from another computer, or by the original tool).
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { isUp } from '../core/machine-state.js';

export function register(program: Command): void {
  program
    .command('cancel')
    .description('stop a running commit (status becomes cancelled)')
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS), machine name, or sweep group (…g)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const { isGroupId } = await import('../core/sweep/expand.js');
      if (isGroupId(id))
        return (await import('../app/sweep/cancel-group.js')).cancelGroup(id, Boolean(opts.json));
      const { cancelTarget } = await import('../app/results/job-target.js');
      const { commit, machine, backend } = await cancelTarget(id, cmd);
      if (!machine || !isUp(machine))
        throw new UserError(
          `commit ${commit} is not running (${machine ? `${machine.state}${machine.reason ? `: ${machine.reason}` : ''}` : 'gone'})`,
          'see its result with `mymlops status`',
        );
      await backend.cancel(machine.name);
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ commit, machine: machine.name, status: 'cancelled' })}\n`);
      else process.stdout.write(`cancelled commit ${commit} (${machine.name})\n`);
    });
}
