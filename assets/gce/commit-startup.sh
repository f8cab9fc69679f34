#!/bin/bash
# mymlops startup script of commit VMs: runs the commit job once, then deletes this VM.
# Small on purpose: it fetches the job script, job.json and the keys (deploy keys, URL credentials)
# from instance metadata (metadata server, `Metadata-Flavor: Google`) into a 0700 job dir, removes the
# keys from the instance metadata again, runs the job script ONCE (a flag file: a reboot does not re-run it),
# writes everything to the serial console and to a log, and finally deletes its own VM through the
# API with the metadata-server token unless `mymlops-keep` is true. `mymlops-max-duration` (seconds)
# bounds a runaway job with `timeout`; `mymlops cancel` sets `mymlops-cancel=requested`.
# How the VM ends (job.sh's exit codes are in its contract):
# - a user's cancel: the watcher writes $J/cancel-requested, then SIGTERMs the job, which publishes
#   "cancelled"; the VM is deleted.
# - a shutdown (preemption, instances.stop, host maintenance): GCE sends an ACPI soft-off; spot VMs
#   are powered off "30 seconds" later (compute v1 reference, Scheduling.skipGuestOsShutdown). The
#   guest agent's google-startup-scripts.service has KillMode=process: systemd signals only the
#   script runner, not this script nor the job. The VM's shutdown script (commit-shutdown.sh, run by
#   google-shutdown-scripts.service while the network is up) writes $J/shutdown and SIGTERMs the
#   job ($J/job.pid); it and a watcher of instance/preempted write $J/preempted on a preemption, so
#   the job tells preemption from another stop. The job pushes what it has (exit 3) and this script
#   does NOT delete the VM: it stays TERMINATED (instanceTerminationAction STOP) and shows as
#   stopped (preempted) until it is retried.
# - the result could not be published (job exit 4, kept in $J/unpublished/): the VM is STOPPED, not
#   deleted (instances.stop on itself; `shutdown -h now` if the API refuses), so its disk keeps the
#   result. Starting it again (that is `mymlops publish ID` on gce) runs the job script's publish
#   mode at boot, then deletes the VM as usual (or stops it again if publishing still fails).
# Simulator hooks: see prelude.sh; MYMLOPS_DELETE_GRACE and MYMLOPS_CANCEL_POLL shorten the waits.
# shellcheck source=prelude.sh
. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@
NAME="$(md instance/name)"; ZONE="$(md instance/zone)"; ZONE="${ZONE##*/}"; PROJECT="$(md project/project-id)"
KEEP="$(attr mymlops-keep || echo false)"
# The last line this script prints; the CLI (VM_DONE_MARKER in startup-script.ts) waits for it.
DONE_MARKER="startup script done"
# Seconds added to max_duration before the VM stops the job script itself (publishing needs time).
HARD_LIMIT_MARGIN=1800
SHUTDOWN=""
EC=""
on_term() { # the guest is shutting down: never delete the VM now
  SHUTDOWN=1
  vm "the machine is shutting down"
}
trap on_term TERM
self_delete() {
  [ "$KEEP" = true ] && { vm "keeping this VM (--keep-instance)"; vm "$DONE_MARKER"; return; }
  vm "deleting this VM"
  vm "$DONE_MARKER"
  sleep "${MYMLOPS_DELETE_GRACE:-2}" # let a follower read the last lines
  for i in 1 2 3 4 5; do
    api DELETE "projects/$PROJECT/zones/$ZONE/instances/$NAME" >/dev/null && return
    sleep $((i * 3))
  done
  vm "could not delete this VM through the API; powering off"
  [ -z "$ROOT" ] && shutdown -h now
}
self_stop() { # keep the disk (and the kept result on it): stop, never delete
  vm "the result is not published: stopping this VM, its disk keeps the result in $J/unpublished (start the VM again to publish it)"
  # What `status` shows for a stopped VM: failed (not published: <why>).
  local why
  why="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("publish_error") or "")' "$J/result.json" 2>/dev/null)"
  set_md mymlops-publish_error "${why:-the push of the result failed}" && set_md mymlops-published false ||
    vm "warning: could not record the publish failure in instance metadata"
  vm "$DONE_MARKER"
  sleep "${MYMLOPS_DELETE_GRACE:-2}"
  for i in 1 2 3; do
    api POST "projects/$PROJECT/zones/$ZONE/instances/$NAME/stop" >/dev/null && return
    sleep $((i * 3))
  done
  vm "could not stop this VM through the API; powering off"
  [ -z "$ROOT" ] && shutdown -h now
}
on_exit() {
  if [ -n "$SHUTDOWN" ] || [ -e "$J/shutdown" ] || [ "$EC" = 3 ]; then
    vm "not deleting this VM: it was shut down while the job ran (the job pushed what it had; a retry relaunches the commit)"
    vm "$DONE_MARKER"
  elif [ -d "$J/unpublished" ]; then
    self_stop
  else
    self_delete
  fi
}
wait_job() { # wait_job PID: its exit code (a trapped TERM interrupts `wait`: wait again)
  local pid=$1 ec
  while :; do
    wait "$pid"; ec=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  return $ec
}
# The shutdown script finds this script and the job through these files; its marker is per boot.
echo $$ >"$J/startup.pid"
rm -f "$J/shutdown" "$J/job.pid"
if [ -e "$J/.started" ]; then
  if [ -d "$J/unpublished" ] && [ -f "$J/job.sh" ]; then
    vm "publishing the result the job kept on this disk"
    trap on_exit EXIT
    # `mymlops publish` passes the artifact store configured now (absent: job.json's).
    MYMLOPS_ARTIFACT_STORE="$(attr mymlops-artifact-store 2>/dev/null || true)" \
      MYMLOPS_ARTIFACT_STORE_MIN_MB="$(attr mymlops-artifact-store-min-mb 2>/dev/null || true)" \
      MYMLOPS_JOB_DIR="$J" MYMLOPS_JOB_MODE=publish bash "$J/job.sh" &
    JOB_PID=$!; echo "$JOB_PID" >"$J/job.pid"
    wait_job "$JOB_PID"; EC=$?
    vm "publish mode exited with code $EC"
    exit $EC
  fi
  vm "the job already ran on this VM (started $(cat "$J/.started")); not running it again"
  exit 0
fi
date -u +%Y-%m-%dT%H:%M:%SZ >"$J/.started"
trap on_exit EXIT
vm "fetching the job from instance metadata"
if ! { attr mymlops-job-script >"$J/job.sh" && attr mymlops-job-json >"$J/job.json"; }; then
  vm "cannot read the job from instance metadata"
  exit 1
fi
mkdir -p "$J/keys" && chmod 700 "$J/keys"
# Deploy keys, and the credentials taken off https URLs (keys/*.cred; metadata keys have no `.`).
for k in repository output repository.cred output.cred; do
  if attr "mymlops-key-${k//./-}" >"$J/keys/$k.tmp"; then chmod 600 "$J/keys/$k.tmp" && mv "$J/keys/$k.tmp" "$J/keys/$k"; else rm -f "$J/keys/$k.tmp"; fi
done
if [ -n "$(ls -A "$J/keys")" ]; then
  if scrub_keys; then vm "deploy keys removed from instance metadata"
  else vm "warning: could not remove the deploy keys from instance metadata"; fi
fi
MAX="$(attr mymlops-max-duration || echo 0)"
if [ -e "$J/shutdown" ]; then vm "the machine is shutting down: not starting the job"; exit 3; fi
vm "running the job on $NAME in $ZONE"
if [ "${MAX:-0}" -gt 0 ]; then
  MYMLOPS_JOB_DIR="$J" timeout --kill-after=60 "$((MAX + HARD_LIMIT_MARGIN))" bash "$J/job.sh" &
else
  MYMLOPS_JOB_DIR="$J" bash "$J/job.sh" &
fi
JOB_PID=$!
echo "$JOB_PID" >"$J/job.pid"
# `mymlops cancel` sets mymlops-cancel=requested: the marker, then SIGTERM, makes the job publish
# "cancelled" itself (a SIGTERM without the marker is a shutdown to the job).
( trap - TERM
  while sleep "${MYMLOPS_CANCEL_POLL:-3}"; do
    if [ "$(attr mymlops-cancel 2>/dev/null)" = requested ]; then
      vm "cancel requested"; date -u +%Y-%m-%dT%H:%M:%SZ >"$J/cancel-requested"; kill -TERM "$JOB_PID" 2>/dev/null; break
    fi
  done ) &
WATCH_PID=$!
# instance/preempted turns TRUE when GCE preempts the VM, before the soft-off's SIGTERM.
( c=""
  trap '[ -n "$c" ] && kill "$c" 2>/dev/null; exit 0' TERM
  while :; do
    md_wait instance/preempted >"$J/.preempted-now" 2>/dev/null & c=$!
    wait "$c"
    if [ "$(cat "$J/.preempted-now")" = TRUE ]; then vm "this VM is being preempted"; echo TRUE >"$J/preempted"; break; fi
    sleep 1 # an error or an early answer: ask again, without spinning
  done ) &
PREEMPT_PID=$!
wait_job "$JOB_PID"; EC=$?
kill "$WATCH_PID" "$PREEMPT_PID" 2>/dev/null
[ $EC -eq 124 ] && vm "hard time limit reached: the job was stopped"
vm "job script exited with code $EC"
exit $EC
