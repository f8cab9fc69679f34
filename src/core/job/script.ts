// The job script: one bash program, the same text on every backend, that runs a commit on a machine.
// The program is assets/job/job.sh with its python helper (assets/job/helper.py) carried inline;
// its contract is at the top of job.sh. Per-commit values travel in job.json (CommitJobJson,
// src/core/ports/job-json.ts), never in the script text.
import { readFileSync } from 'node:fs';
import { packagePath } from '../../util/package-root.js';

export const RESULT_PREFIX = 'mymlops: result ';
export const FINISHED_PREFIX = 'mymlops: job finished status=';

export const JOB_SCRIPT_ASSET = packagePath('assets', 'job', 'job.sh');
export const JOB_HELPER_ASSET = packagePath('assets', 'job', 'helper.py');
const HELPER_SLOT = '# @@HELPER@@\n';
const HELPER_EOF = 'MYMLOPS_HELPER_EOF';

/**
 * job.sh as shipped: the helper written into the job folder where job.sh, run as it is, would
 * use the helper.py next to it. Reads the assets, so it is the same text for the same package.
 */
export function jobScript(): string {
  const script = readFileSync(JOB_SCRIPT_ASSET, 'utf8');
  const helper = readFileSync(JOB_HELPER_ASSET, 'utf8');
  if (!script.includes(HELPER_SLOT)) throw new Error(`${JOB_SCRIPT_ASSET} has no ${HELPER_SLOT.trim()} line`);
  if (helper.split('\n').includes(HELPER_EOF))
    throw new Error('the job helper contains its heredoc delimiter');
  const inline = `cat >"$J/helper.py" <<'${HELPER_EOF}'\n${helper}${helper.endsWith('\n') ? '' : '\n'}${HELPER_EOF}\nHELPER="$J/helper.py"\n`;
  return script.replace(HELPER_SLOT, () => inline);
}
