// `commit` with several runs: placeholder until the sweep scheduler lands.
import type { Command } from 'commander';
import type { Config } from '../config/types.js';
import type { RunParameters } from '../core/sweep/expand.js';
import { UserError } from '../errors.js';

export async function runSweep(
  _cfg: Config,
  _path: string,
  runs: RunParameters[],
  _opts: unknown,
  _cmd: Command,
): Promise<void> {
  throw new UserError(`a sweep of ${runs.length} runs is not supported yet`, 'pass one value per parameter');
}
