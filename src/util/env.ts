// Every environment variable mymlops reads, with its meaning and default: the one list the README's
// "Environment variables" section is checked against (test/unit/env-table.test.ts). Code reads a
// variable only through `envValue`, whose name type is this table, so an unlisted read does not
// compile. Variables mymlops only sets for the programs it runs (job.sh's MYMLOPS_JOB_DIR, the
// watchdog's MYMLOPS_WD_*, git's GIT_SSH_COMMAND for a deploy key) are not here.

export interface EnvVar {
  name: string;
  default: string;
  meaning: string;
}

export const ENV_VARS = [
  {
    name: 'MYMLOPS_HOME',
    default: '`~/.mymlops`',
    meaning: 'where mymlops keeps its state (launch records, caches, bare repositories made by `init`)',
  },
  {
    name: 'MYMLOPS_CONFIG',
    default: '`mymlops.yml` in the current folder or a parent up to the repository root',
    meaning: 'the config file, as `-c/--config`',
  },
  { name: 'MYMLOPS_VERBOSE', default: 'off', meaning: '`1`: debug lines on stderr, as `--verbose`' },
  {
    name: 'MYMLOPS_CODE_CACHE',
    default: 'on',
    meaning: '`0`: no V8 code cache under `MYMLOPS_HOME/cache/code/` (read by `bin/mymlops.cjs`)',
  },
  {
    name: 'MYMLOPS_SSH_OPTIONS',
    default: 'none',
    meaning: 'extra `ssh` arguments for every git-over-ssh call, here and on the machine',
  },
  {
    name: '_MYMLOPS_COMPLETE',
    default: 'unset',
    meaning: "`bash_source` / `zsh_source` / `fish_source`: print the original tool's completion script",
  },
  { name: 'NO_COLOR', default: 'unset', meaning: 'set and not empty: no colours' },
  {
    name: 'FORCE_COLOR',
    default: 'unset',
    meaning: 'set and not `0`: colours even when the output is not a terminal',
  },
  { name: 'SHELL', default: '`bash`', meaning: 'the shell `mymlops ssh` opens on a local machine' },
  {
    name: 'GIT_SSH_COMMAND',
    default: '`core.sshCommand`, else `ssh`',
    meaning: 'the ssh your pushes of snapshots use, as for git itself',
  },
  {
    name: 'CLOUDSDK_CORE_PROJECT',
    default: "gcloud's default project",
    meaning: 'GCP project when `gcp.project` is not set (first)',
  },
  {
    name: 'GOOGLE_CLOUD_PROJECT',
    default: "gcloud's default project",
    meaning: 'GCP project when `gcp.project` is not set (second)',
  },
  {
    name: 'GCLOUD_PROJECT',
    default: "gcloud's default project",
    meaning: 'GCP project when `gcp.project` is not set (third)',
  },
  {
    name: 'CLOUDSDK_AUTH_ACCESS_TOKEN_FILE',
    default: 'unset',
    meaning: 'a file holding an access token, used before Application Default Credentials',
  },
  {
    name: 'GOOGLE_APPLICATION_CREDENTIALS',
    default: "gcloud's ADC file",
    meaning: 'the Application Default Credentials file',
  },
  {
    name: 'CLOUDSDK_CONFIG',
    default: '`~/.config/gcloud`',
    meaning: "gcloud's configuration folder (where the ADC file is looked for)",
  },
  {
    name: 'GOOGLE_CLOUD_QUOTA_PROJECT',
    default: "the ADC file's `quota_project_id`",
    meaning: 'the project API quota is billed to',
  },
  {
    name: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE',
    default: '`https://compute.googleapis.com/compute/v1/`',
    meaning: "the Compute Engine API base URL (gcloud's variable)",
  },
  {
    name: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM',
    default: '`https://iam.googleapis.com/`',
    meaning: "the IAM API base URL, used by `doctor` (gcloud's variable)",
  },
  {
    name: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE',
    default: '`https://storage.googleapis.com/storage/v1/`',
    meaning: "the Cloud Storage JSON API base URL, for `commit.artifact_store: gs://…` (gcloud's variable)",
  },
  {
    name: 'MYMLOPS_BILLING_ENDPOINT',
    default: '`CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDBILLING`, else `https://cloudbilling.googleapis.com/v1/`',
    meaning: 'the Cloud Billing catalog base URL (prices)',
  },
  {
    name: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDBILLING',
    default: '`https://cloudbilling.googleapis.com/v1/`',
    meaning: "the Cloud Billing base URL when `MYMLOPS_BILLING_ENDPOINT` is not set (gcloud's variable)",
  },
  {
    name: 'MYMLOPS_GCE_RETRY_BUDGET_MS',
    default: '60000',
    meaning: 'how long a Compute Engine request that gets "try again later" answers is retried, ms',
  },
  {
    name: 'MYMLOPS_GCE_LOG_POLL_MS',
    default: '1000',
    meaning:
      "the least time between two reads of a GCE machine's serial console (following a commit, `logs -f`), ms",
  },
  {
    name: 'MYMLOPS_GCE_GUEST_READ_MS',
    default: '30000',
    meaning:
      "how long a dev VM's guest attributes (idle watchdog state) read by one command are reused by the next, ms",
  },
  {
    name: 'MYMLOPS_GCE_CANCEL_GRACE_MS',
    default: '180000',
    meaning: 'how long `cancel` lets a GCE job stop itself before the VM is deleted, ms',
  },
  {
    name: 'MYMLOPS_SWEEP_POLL_MS',
    default: '2000',
    meaning: "how often a sweep's scheduler checks its running commits, ms",
  },
  {
    name: 'MYMLOPS_DEV_WD_*',
    default: 'unset',
    meaning:
      "passed to a local dev machine's idle watchdog as `MYMLOPS_WD_*` (tests of the watchdog give it fake readings)",
  },
  {
    name: 'MYMLOPS_PYTHON',
    default: '`/usr/bin/python3`, else `python3` on PATH',
    meaning:
      "read on the machine by the job: the python that runs the job's helper and `mymlops-run-notebook`",
  },
] as const satisfies readonly EnvVar[];

export type EnvName = (typeof ENV_VARS)[number]['name'];

/** The value of a listed variable (undefined: unset). */
export function envValue(name: EnvName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}

/** The variables whose names start with a listed `PREFIX_*` entry's prefix. */
export function envWithPrefix(
  name: Extract<EnvName, `${string}*`>,
  env: NodeJS.ProcessEnv = process.env,
): [string, string][] {
  const prefix = name.slice(0, -1);
  return Object.entries(env).filter(
    (e): e is [string, string] => e[0].startsWith(prefix) && e[1] !== undefined,
  );
}
