#!/bin/bash
# mymlops shutdown script of dev VMs (instance metadata `shutdown-script`), run by the guest agent's
# google-shutdown-scripts.service when the VM stops (idle watchdog, `mymlops stop`, preemption),
# before the network units stop. The startup script's unit has KillMode=process: systemd signals
# only the guest agent's script runner, so without this the start command (Jupyter, a server) would
# be killed at the power-off without a chance to end cleanly. The dev script's TERM trap stops the
# start command's process group and the watchdog; this waits for it, bounded well within the grace.
# shellcheck source=prelude.sh
. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@
DEV_PID="$(cat "$J/dev.pid" 2>/dev/null)"
alive "$DEV_PID" || exit 0
vm "the machine is shutting down: stopping the start command"
kill -TERM "$DEV_PID" 2>/dev/null
for _ in $(seq 100); do alive "$DEV_PID" || break; sleep 0.1; done
vm "shutdown script done"
