#!/bin/bash
# mymlops shutdown script of commit VMs (instance metadata `shutdown-script`). When the VM goes down
# (preemption, instances.stop, delete, host maintenance) the guest agent's
# google-shutdown-scripts.service runs it as its ExecStop=, ordered before the network units stop
# (TimeoutStopSec=90s). The startup script's unit has KillMode=process: at that stop systemd
# signals only the guest agent's script runner, which does not pass it on, so commit-startup.sh and
# the job would run on until the power-off with no network left to push. This script is what stops
# the job: it marks the shutdown (the startup script then keeps the VM), says whether it is a
# preemption (or a cancel already asked for: a delete may come before the startup script's watcher
# has seen it), SIGTERMs the job, and waits for the startup script to end so its last lines reach
# the console. The job pushes what it has within its shutdown grace and exits 3 (assets/job/job.sh).
# shellcheck source=prelude.sh
. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@
STARTUP_PID="$(cat "$J/startup.pid" 2>/dev/null)"
date -u +%Y-%m-%dT%H:%M:%SZ >"$J/shutdown"
if ! alive "$STARTUP_PID"; then
  vm "the machine is shutting down (the startup script has ended)"
  exit 0
fi
# instance/preempted is TRUE from before the soft-off of a preemption; `mymlops cancel` sets
# mymlops-cancel before it deletes the VM.
if [ "$(md instance/preempted)" = TRUE ]; then
  echo TRUE >"$J/preempted"
elif [ "$(attr mymlops-cancel 2>/dev/null)" = requested ] && [ ! -e "$J/cancel-requested" ]; then
  date -u +%Y-%m-%dT%H:%M:%SZ >"$J/cancel-requested"
fi
SIGNALLED=""
while alive "$STARTUP_PID"; do
  # The job may be starting right now: whichever job appears is told to stop, once.
  JOB="$(cat "$J/job.pid" 2>/dev/null)"
  if [ "$JOB" != "$SIGNALLED" ] && alive "$JOB"; then
    vm "the machine is shutting down: stopping the job (it pushes what it has)"
    kill -TERM "$JOB" 2>/dev/null
    SIGNALLED="$JOB"
  fi
  sleep 0.2
done
vm "shutdown script done"
