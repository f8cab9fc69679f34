#!/bin/bash
# mymlops startup script of dev VMs (`mymlops start`). Unlike a commit VM's script it runs at EVERY
# boot and never deletes the VM: the first boot fetches the dev script, job.json, the deploy key and
# the credentials taken off an https URL from instance metadata onto the disk (then removes the keys
# from the metadata); every boot runs
# the dev script, which clones only once and starts start.command and the idle watchdog.
# Output goes to the serial console (`mymlops logs NAME`). Simulator hooks: see prelude.sh.
# shellcheck source=prelude.sh
. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@
NAME="$(md instance/name)"; ZONE="$(md instance/zone)"; ZONE="${ZONE##*/}"
# PROJECT is read by the prelude's API helpers (set_md, scrub_keys).
# shellcheck disable=SC2034
PROJECT="$(md project/project-id)"
if [ -f "$J/job.sh" ] && [ -f "$J/job.json" ]; then
  vm "dev VM $NAME booting again: using the dev script already on the disk"
else
  vm "first boot of dev VM $NAME: fetching the dev script from instance metadata"
  if ! { attr mymlops-job-script >"$J/job.sh.tmp" && attr mymlops-job-json >"$J/job.json" && mv "$J/job.sh.tmp" "$J/job.sh"; }; then
    vm "cannot read the dev script from instance metadata"
    exit 1
  fi
  mkdir -p "$J/keys" && chmod 700 "$J/keys"
  # keys/repository (deploy key), keys/repository.cred (metadata keys have no `.`).
  for k in repository repository.cred; do
    if attr "mymlops-key-${k//./-}" >"$J/keys/$k.tmp"; then chmod 600 "$J/keys/$k.tmp" && mv "$J/keys/$k.tmp" "$J/keys/$k"; else rm -f "$J/keys/$k.tmp"; fi
  done
  if [ -n "$(ls -A "$J/keys")" ]; then
    if scrub_keys; then vm "deploy keys removed from instance metadata"
    else vm "warning: could not remove the deploy keys from instance metadata"; fi
  fi
fi
vm "running the dev script on $NAME in $ZONE"
# The shutdown script (dev-shutdown.sh) stops the dev script through this pid.
MYMLOPS_JOB_DIR="$J" bash "$J/job.sh" &
echo $! >"$J/dev.pid"
wait $!
vm "dev script exited with code $?"
