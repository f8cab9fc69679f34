/* Generated from schema/mymlops.schema.json by scripts/gen-config-types.mjs. Do not edit by hand. */

/**
 * mymlops.yml: how mymlops commits notebooks, starts dev VMs and serves its dashboard. A superset of the original Python tool's schema: every original file stays valid with the same meaning.
 */
export interface MymlopsConfigFile {
  /**
   * Where machines run: `gce` (Google Compute Engine, the default, as in the original) or `local` (this machine, no cloud account).
   */
  backend?: 'gce' | 'local';
  /**
   * Google Cloud settings. Without `project`, CLOUDSDK_CORE_PROJECT / GOOGLE_CLOUD_PROJECT or gcloud's default project is used.
   */
  gcp?: {
    /**
     * GCP project id.
     */
    project?: string;
    /**
     * VPC network of new VMs (default: global/networks/default, or the subnetwork's network when gcp.subnetwork is set).
     */
    network?: string;
    /**
     * Subnetwork of new VMs. One subnetwork (regions/R/subnetworks/S: only zones of region R are tried), or a map region → subnetwork (name or regions/R/subnetworks/S: zones of other regions are not tried).
     */
    subnetwork?:
      | string
      | {
          [k: string]: string;
        };
    /**
     * Service account e-mail of new VMs.
     */
    service_account?: string;
  };
  /**
   * `mymlops commit`: run a notebook unattended and store the result in the output repository.
   */
  commit?: {
    /**
     * Notebook runner, run in the cloned repository; the notebook path is appended as its last argument (e.g. `docker compose run --rm notebook papermill`).
     */
    command: string;
    instance?: Instance;
    repository: Repository;
    output_repository: Repository;
    /**
     * Seconds between pushes of the partially executed notebook while it runs; 0 turns progress pushes off.
     */
    progress_interval?: number;
    /**
     * Hard limit on a commit's run time; the machine is stopped and the commit recorded failed after it.
     */
    max_duration?: number | string;
    /**
     * Spending cap per commit, USD: the job stops itself (status failed, "cost cap") once the machine's hourly price × elapsed time reaches it. Needs a known price (gce); without one the cap cannot apply.
     */
    max_cost_usd?: number;
    /**
     * job.log in the output repository keeps at most this many bytes (head and tail).
     */
    log_max_bytes?: number;
    /**
     * Where artifact files too large for git go: a folder path or file:// URL (local backend), gs://bucket/prefix (gce; the VM's service account writes it). Files under artifacts/ over min_mb are stored under <id>/artifacts/… there, and the output folder gets stored-artifacts.json (name, size, sha256, location) instead. A string is the url with the default min_mb.
     */
    artifact_store?:
      | string
      | {
          /**
           * A folder path or file:// URL (local backend), gs://bucket/prefix (gce).
           */
          url: string;
          /**
           * Artifact files bigger than this (MB) go to the store; smaller ones stay in the output repository. The default stays under GitHub's 50 MB warning.
           */
          min_mb?: number;
        };
    /**
     * `mymlops prune` removes snapshot refs and launch records of finished, published commits older than this many days.
     */
    prune_after_days?: number;
    /**
     * Automatic retries.
     */
    retry?: {
      /**
       * Relaunch a preempted commit up to N times while a `commit` CLI or the dashboard watches.
       */
      preempted?: number;
    };
    /**
     * What the snapshot of your working tree holds. Never in it: the config's `.env` and every deploy key inside the repository; files that look like secrets (`.env*`, `*.pem`, `*.key`, `id_rsa*`, `id_ed25519*`, `id_ecdsa*`, `.netrc`, `.git-credentials`, service-account JSON keys) unless listed in `include`.
     */
    snapshot?: {
      /**
       * Patterns (.gitignore style) of secret-looking files to keep in the snapshot anyway.
       */
      include?: string[];
      /**
       * More patterns (.gitignore style) the snapshot leaves out.
       */
      exclude?: string[];
      /**
       * The commit stops before any push when an untracked file the snapshot would add is bigger than this (MB).
       */
      max_file_mb?: number;
      /**
       * The commit stops before any push when the untracked files the snapshot would add are bigger than this together (MB).
       */
      max_total_mb?: number;
    };
  };
  /**
   * Spending limits across commits.
   */
  budget?: {
    /**
     * A commit is refused once this calendar month's recorded spend (the cost of this month's commits in `mymlops status`) has reached this many USD.
     */
    monthly_usd?: number;
  };
  /**
   * `mymlops start`: a personal dev VM with the repository cloned and the start command running.
   */
  start?: {
    /**
     * Run in the cloned repository at every boot (e.g. bring up Jupyter).
     */
    command: string;
    instance?: Instance;
    repository: Repository;
    /**
     * The idle watchdog of dev VMs.
     */
    idle_shutdown?: {
      /**
       * Idle time before the action; 0 disables the watchdog.
       */
      timeout?: number | string;
      /**
       * Delete a dev machine (and its disk) that has stayed stopped this long, e.g. `7d`; done by the dashboard or the next `mymlops status`. Absent or 0: never.
       */
      delete_after?: number | string;
      /**
       * CPU usage (%) under which the VM counts as idle.
       */
      cpu_threshold?: number;
      /**
       * Utilisation (%) every GPU must be under to count as idle.
       */
      gpu_threshold?: number;
      /**
       * Seconds between samples.
       */
      interval?: number;
      /**
       * What happens to an idle VM.
       */
      action?: 'stop' | 'delete';
      /**
       * Port of a Jupyter server started by the start command; a busy kernel keeps the VM up.
       */
      jupyter_port?: number;
      /**
       * Which ssh sessions keep the VM up: `all` (terminals and terminal-less sessions such as VS Code Remote; `ssh -N` tunnels never count), `terminal` (interactive terminals only) or `none`.
       */
      count_ssh_sessions?: 'all' | 'terminal' | 'none';
    };
  };
  /**
   * `mymlops image create`: how the VM a snapshot is baked from is prepared.
   */
  image?: {
    /**
     * Command run once in a clone of commit.repository on that VM before the snapshot (e.g. `pip install -r requirements.txt`, `docker pull …`).
     */
    setup?: string;
  };
  /**
   * `mymlops dashboard`.
   */
  dashboard?: {
    /**
     * Links shown at the top of the page, name to URL. Any text is accepted, as by the original; the dashboard makes http(s), mailto and /path links clickable and `validate` warns about the others.
     */
    links?: {
      [k: string]: string;
    };
    /**
     * More .env names whose values are never printed. Names containing TOKEN, SECRET, PASSWORD, PASS, KEY, CREDENTIAL, AUTH, PRIVATE or API are redacted anyway; other values (a user name, a project id) print as written.
     */
    redact?: string[];
    tunnel?: {
      /**
       * First local port handed to tunnels (under 1024 is accepted, as by the original, with a warning: only root may listen there).
       */
      local_port_min: number;
      /**
       * Ports on each dev VM reached through an ssh tunnel (a port listed twice gets one tunnel, with a warning).
       *
       * @minItems 1
       */
      remote_ports: [number, ...number[]];
    };
  };
}
export interface Instance {
  /**
   * Zones to consider, a Python regular expression matched at the start of the zone name, as in the original (e.g. `us-.*`; `(?P<name>…)` and `(?i)` work; empty matches every zone).
   */
  zone_regex: string;
  /**
   * e.g. n1-standard-8.
   */
  machine_type: string;
  /**
   * Disk snapshot the boot disk is created from (a name in the project, or a path). Exactly one of snapshot and image.
   */
  snapshot?: string;
  /**
   * Image the boot disk is created from, in any project: a name, `family/NAME`, or a path such as `projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu` (a family means its newest image). Exactly one of snapshot and image.
   */
  image?: string;
  /**
   * GPU type, e.g. nvidia-tesla-t4.
   */
  accelerator?: string | null;
  accelerator_count?: number;
  disk_size_gb?: number;
  disk_type?: 'pd-ssd' | 'pd-balanced' | 'pd-standard' | 'pd-extreme' | 'hyperdisk-balanced';
  /**
   * Spot provisioning (default true, as the original created every VM as spot); false for on-demand.
   */
  spot?: boolean;
}
export interface Repository {
  /**
   * Git URL: git@host:owner/repo.git, ssh://, https://, file:// or an absolute path.
   */
  url: string;
  /**
   * Path of the private SSH key used for this repository (required for ssh URLs on gce).
   */
  deploy_key?: string;
  branch?: string;
}
