// The dev-machine script: one bash program, the same text on every backend (assets/devvm/start.sh
// with the watchdog embedded). Pure: values travel in job.json (StartJobJson, src/core/ports/job-json.ts).
//
// CONTRACT (backends rely on this)
//   Run:   MYMLOPS_JOB_DIR=<dir> bash job.sh      at EVERY boot (GCE: from the startup script)
//   Input: $MYMLOPS_JOB_DIR/job.json  StartJobJson;  $MYMLOPS_JOB_DIR/keys/repository (optional)
//          $MYMLOPS_JOB_DIR/keys/repository.cred (optional: an https URL's credentials, 0600)
//          $MYMLOPS_VM_ROOT (simulator only): prefix of repo_dir
//   Does:  clones the repository once (flag <repo>/.git/mymlops-cloned; a reboot does not clone
//          again), runs `command` in it in its own process group (pid in command.pid), runs the idle
//          watchdog (state in idle.json, log in watchdog.log) and waits for both. The command's
//          state (running / exited with its code / failed) goes to dev-state.json (dev-state.ts).
//   Output: stdout/stderr = the machine log (local: job.log; GCE: serial console).
//   Signals: SIGTERM stops the command's process group and the watchdog.

/** The texts of assets/devvm/ (read by src/adapters/assets.ts): start.sh and watchdog.sh. */
export interface DevAssets {
  start: string;
  watchdog: string;
}

export function startJobScript(assets: DevAssets): string {
  const wd = assets.watchdog;
  const heredoc = `cat > "$J/watchdog.sh" <<'MYMLOPS_WATCHDOG_EOF'\n${wd}${wd.endsWith('\n') ? '' : '\n'}MYMLOPS_WATCHDOG_EOF`;
  if (wd.includes('\nMYMLOPS_WATCHDOG_EOF\n'))
    throw new Error('watchdog script contains its heredoc delimiter');
  return assets.start.replace('# @@WATCHDOG@@', () => heredoc);
}
