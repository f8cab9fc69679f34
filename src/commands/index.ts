// Every command, one file each; the order here is the order of `mymlops --help`.
import type { Command } from 'commander';
import { register as cancel } from './cancel.js';
import { register as commit } from './commit.js';
import { register as completion } from './completion.js';
import { register as dashboard } from './dashboard.js';
import { register as diff } from './diff.js';
import { register as init } from './init.js';
import { register as logs } from './logs.js';
import { register as retry } from './retry.js';
import { register as show } from './show.js';
import { register as start } from './start.js';
import { register as status } from './status.js';
import { register as validate } from './validate.js';

export const commands: ((program: Command) => void)[] = [
  commit,
  status,
  show,
  diff,
  dashboard,
  logs,
  cancel,
  retry,
  start,
  validate,
  init,
  completion,
];
