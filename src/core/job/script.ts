// The job script: one bash program, the same text on every backend, that runs a commit on a machine.
// The program is assets/job/job.sh with its python helper (assets/job/helper.py) carried inline;
// its contract is at the top of job.sh. Per-commit values travel in job.json (JobConfig below),
// never in the script text.
import { readFileSync } from 'node:fs';
import { packagePath } from '../../util/package-root.js';

/** job.json: written by the backend from LaunchPlan.jobConfig. */
export interface JobConfig {
  version: 1;
  commit_id: string;
  /** Run in the clone as `<command> <notebook>` through bash. */
  command: string;
  /** Notebook path inside the repository. */
  notebook: string;
  /** `ref` is fetched (the snapshot ref) and `sha` checked out. */
  repository: { url: string; branch: string; ref: string; sha: string };
  output_repository: { url: string; branch: string };
  artifacts: boolean;
  notes: string | null;
  /** Seconds between progress pushes; 0 = off. */
  progress_interval: number;
  /** Seconds; 0 = no limit. The command is stopped and the commit fails after it. */
  max_duration: number;
  /** USD; null = none. The job turns it into a time limit at machine.hourly_usd (helper.py). */
  max_cost_usd: number | null;
  /** Injected papermill-style after checkout (helper.py inject); null = the notebook as committed. */
  parameters: { values: Record<string, unknown>; cell: string } | null;
  log_max_bytes: number;
  keep_workdir: boolean;
  /** Extra ssh arguments for git (e.g. ["-o", "UserKnownHostsFile=/x"]). */
  ssh_options: string[];
  git_user: { name: string; email: string };
  /** metadata.json base (CommitMetadata without the run-time fields). */
  metadata: Record<string, unknown>;
  /** Backend-specific facts, copied into metadata.json; hourly_usd (number|null) gives the cost estimate. */
  machine: {
    backend: string;
    instance: string | null;
    zone: string | null;
    machine_type: string | null;
    hourly_usd: number | null;
  };
}

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
