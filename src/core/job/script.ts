// The job script: one bash program, the same text on every backend, that runs a commit on a machine.
// The program is assets/job/job.sh with its python helper (assets/job/helper.py) and the notebook
// runner (assets/job/run_notebook.py) carried inline; its contract is at the top of job.sh.
// Per-commit values travel in job.json (CommitJobJson, src/core/ports/job-json.ts), never in the
// script text. The asset texts come in as inputs (read by src/adapters/assets.ts): core reads no file.

export const RESULT_PREFIX = 'mymlops: result ';
export const FINISHED_PREFIX = 'mymlops: job finished status=';

/** The texts of assets/job/: job.sh, helper.py, run_notebook.py. */
export interface JobAssets {
  job: string;
  helper: string;
  runner: string;
}

/** The files job.sh uses next to it, each written into the job folder at its slot line. */
const CARRIED = [
  { text: (a: JobAssets) => a.helper, slot: '# @@HELPER@@\n', file: 'helper.py', variable: 'HELPER' },
  { text: (a: JobAssets) => a.runner, slot: '# @@RUNNER@@\n', file: 'run_notebook.py', variable: 'RUNNER' },
];
const EOF_MARK = 'MYMLOPS_HELPER_EOF';

/**
 * job.sh as shipped: each carried file written into the job folder where job.sh, run as it is,
 * would use the one next to it. The same text for the same assets.
 */
export function jobScript(assets: JobAssets): string {
  let script = assets.job;
  for (const c of CARRIED) {
    const text = c.text(assets);
    if (!script.includes(c.slot)) throw new Error(`job.sh has no ${c.slot.trim()} line`);
    if (text.split('\n').includes(EOF_MARK)) throw new Error(`${c.file} contains its heredoc delimiter`);
    const inline = `cat >"$J/${c.file}" <<'${EOF_MARK}'\n${text}${text.endsWith('\n') ? '' : '\n'}${EOF_MARK}\n${c.variable}="$J/${c.file}"\n`;
    script = script.replace(c.slot, () => inline);
  }
  return script;
}
