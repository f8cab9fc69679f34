// Every command, one file each; the order here is the order of `mymlops --help`.
import type { Command } from 'commander';
import { register as cancel } from './cancel.js';
import { register as commit } from './commit.js';
import { register as deleteDev } from './delete.js';
import { register as completion } from './completion.js';
import { register as dashboard } from './dashboard.js';
import { register as diff } from './diff.js';
import { register as doctor } from './doctor.js';
import { register as image } from './image.js';
import { register as init } from './init.js';
import { register as logs } from './logs.js';
import { register as prune } from './prune.js';
import { register as publish } from './publish.js';
import { register as retry } from './retry.js';
import { register as show } from './show.js';
import { register as ssh } from './ssh.js';
import { register as start } from './start.js';
import { register as status } from './status.js';
import { register as stop } from './stop.js';
import { register as sweepScheduler } from './sweep-scheduler.js';
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
  publish,
  prune,
  start,
  stop,
  deleteDev,
  ssh,
  validate,
  doctor,
  init,
  image,
  completion,
  sweepScheduler,
];
