#!/bin/bash
# mymlops startup script of commit VMs: runs the commit job once, then deletes this VM.
# Small on purpose: it fetches the job script, job.json and deploy keys from instance metadata
# (metadata server, `Metadata-Flavor: Google`) into a 0700 job dir, removes the deploy keys from the
# instance metadata again, runs the job script ONCE (a flag file: a reboot does not re-run it),
# writes everything to the serial console and to a log, and finally deletes its own VM through the
# API with the metadata-server token unless `mymlops-keep` is true. `mymlops-max-duration` (seconds)
# bounds a runaway job with `timeout`; `mymlops cancel` sets `mymlops-cancel=requested`.
# Simulator hooks: see prelude.sh; MYMLOPS_DELETE_GRACE and MYMLOPS_CANCEL_POLL shorten the waits.
# shellcheck source=prelude.sh
. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@
if [ -e "$J/.started" ]; then
  vm "the job already ran on this VM (started $(cat "$J/.started")); not running it again"
  exit 0
fi
date -u +%Y-%m-%dT%H:%M:%SZ >"$J/.started"
NAME="$(md instance/name)"; ZONE="$(md instance/zone)"; ZONE="${ZONE##*/}"; PROJECT="$(md project/project-id)"
KEEP="$(attr mymlops-keep || echo false)"
# The last line this script prints; the CLI (VM_DONE_MARKER in startup-script.ts) waits for it.
DONE_MARKER="startup script done"
# Seconds added to max_duration before the VM stops the job script itself (publishing needs time).
HARD_LIMIT_MARGIN=1800
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
trap self_delete EXIT
vm "fetching the job from instance metadata"
if ! { attr mymlops-job-script >"$J/job.sh" && attr mymlops-job-json >"$J/job.json"; }; then
  vm "cannot read the job from instance metadata"
  exit 1
fi
mkdir -p "$J/keys" && chmod 700 "$J/keys"
for k in repository output; do
  if attr "mymlops-key-$k" >"$J/keys/$k.tmp"; then chmod 600 "$J/keys/$k.tmp" && mv "$J/keys/$k.tmp" "$J/keys/$k"; else rm -f "$J/keys/$k.tmp"; fi
done
if [ -n "$(ls -A "$J/keys")" ]; then
  if scrub_keys; then vm "deploy keys removed from instance metadata"
  else vm "warning: could not remove the deploy keys from instance metadata"; fi
fi
MAX="$(attr mymlops-max-duration || echo 0)"
vm "running the job on $NAME in $ZONE"
if [ "${MAX:-0}" -gt 0 ]; then
  MYMLOPS_JOB_DIR="$J" timeout --kill-after=60 "$((MAX + HARD_LIMIT_MARGIN))" bash "$J/job.sh" &
else
  MYMLOPS_JOB_DIR="$J" bash "$J/job.sh" &
fi
JOB_PID=$!
# `mymlops cancel` sets mymlops-cancel=requested: SIGTERM makes the job publish "cancelled" itself.
( while sleep "${MYMLOPS_CANCEL_POLL:-3}"; do
    if [ "$(attr mymlops-cancel 2>/dev/null)" = requested ]; then vm "cancel requested"; kill -TERM "$JOB_PID" 2>/dev/null; break; fi
  done ) &
WATCH_PID=$!
wait "$JOB_PID"; EC=$?
kill "$WATCH_PID" 2>/dev/null
[ $EC -eq 124 ] && vm "hard time limit reached: the job was stopped"
vm "job script exited with code $EC"
exit $EC
