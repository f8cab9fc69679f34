// The shipped programs (assets/job/, assets/devvm/) read from the installed package: core builds
// the scripts from these texts (src/core/job/script.ts, src/core/devvm/script.ts) and reads no file.
import { readFileSync } from 'node:fs';
import { jobScript } from '../core/job/script.js';
import { startJobScript } from '../core/devvm/script.js';
import { packagePath } from '../util/package-root.js';

export const JOB_SCRIPT_ASSET = packagePath('assets', 'job', 'job.sh');
export const JOB_HELPER_ASSET = packagePath('assets', 'job', 'helper.py');
export const JOB_RUNNER_ASSET = packagePath('assets', 'job', 'run_notebook.py');
export const START_ASSET = packagePath('assets', 'devvm', 'start.sh');
export const WATCHDOG_ASSET = packagePath('assets', 'devvm', 'watchdog.sh');

const read = (path: string): string => readFileSync(path, 'utf8');

/** The commit job script as shipped (job.sh with its helper and runner carried inline). */
export function readJobScript(): string {
  return jobScript({
    job: read(JOB_SCRIPT_ASSET),
    helper: read(JOB_HELPER_ASSET),
    runner: read(JOB_RUNNER_ASSET),
  });
}

/** The dev-machine script as shipped (start.sh with the watchdog embedded). */
export function readStartScript(): string {
  return startJobScript({ start: read(START_ASSET), watchdog: read(WATCHDOG_ASSET) });
}
