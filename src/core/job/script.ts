// The job script: one bash program, the same text on every backend, that runs a commit on a machine.
// The program is assets/job/job.sh with its python helper (assets/job/helper.py) and the notebook
// runner (assets/job/run_notebook.py) carried inline; its contract is at the top of job.sh.
// Per-commit values travel in job.json (CommitJobJson, src/core/ports/job-json.ts), never in the
// script text.
import { readFileSync } from 'node:fs';
import { packagePath } from '../../util/package-root.js';

export const RESULT_PREFIX = 'mymlops: result ';
export const FINISHED_PREFIX = 'mymlops: job finished status=';

export const JOB_SCRIPT_ASSET = packagePath('assets', 'job', 'job.sh');
export const JOB_HELPER_ASSET = packagePath('assets', 'job', 'helper.py');
export const JOB_RUNNER_ASSET = packagePath('assets', 'job', 'run_notebook.py');

/** The files job.sh uses next to it, each written into the job folder at its slot line. */
const CARRIED = [
  { asset: JOB_HELPER_ASSET, slot: '# @@HELPER@@\n', file: 'helper.py', variable: 'HELPER' },
  { asset: JOB_RUNNER_ASSET, slot: '# @@RUNNER@@\n', file: 'run_notebook.py', variable: 'RUNNER' },
];
const EOF_MARK = 'MYMLOPS_HELPER_EOF';

/**
 * job.sh as shipped: each carried file written into the job folder where job.sh, run as it is,
 * would use the one next to it. Reads the assets, so it is the same text for the same package.
 */
export function jobScript(): string {
  let script = readFileSync(JOB_SCRIPT_ASSET, 'utf8');
  for (const c of CARRIED) {
    const text = readFileSync(c.asset, 'utf8');
    if (!script.includes(c.slot)) throw new Error(`${JOB_SCRIPT_ASSET} has no ${c.slot.trim()} line`);
    if (text.split('\n').includes(EOF_MARK)) throw new Error(`${c.asset} contains its heredoc delimiter`);
    const inline = `cat >"$J/${c.file}" <<'${EOF_MARK}'\n${text}${text.endsWith('\n') ? '' : '\n'}${EOF_MARK}\n${c.variable}="$J/${c.file}"\n`;
    script = script.replace(c.slot, () => inline);
  }
  return script;
}
