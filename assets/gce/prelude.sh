# shellcheck shell=bash
# The start of the GCE startup and shutdown scripts (commit-*.sh, dev-*.sh): paths, the serial
# console, and helpers for the metadata server and the Compute Engine API (with the VM's token).
# Run as they are, the startup scripts source this file from next to them; as shipped
# (src/adapters/backends/gce/vm-prelude.ts) it is inlined in their place.
# MYMLOPS_VM_ROOT, MYMLOPS_SERIAL_DEVICE, GCE_METADATA_HOST and CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE
# let the simulator run it unprivileged; all are unset on a real VM.
set -u
ROOT="${MYMLOPS_VM_ROOT:-}"
SERIAL="${MYMLOPS_SERIAL_DEVICE:-/dev/ttyS0}"
MD="http://${GCE_METADATA_HOST:-metadata.google.internal}/computeMetadata/v1"
API="${CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE:-https://compute.googleapis.com/compute/v1/}"
export HOME="${HOME:-/root}"
J="$ROOT/var/lib/mymlops/job"
mkdir -p "$J" && chmod 700 "$J"
[ -w "$SERIAL" ] || SERIAL=/dev/null
# All output to the serial console (read by `mymlops logs`) and to a log file on the disk.
# The logger ignores the shutdown's SIGTERM: the job and this script still write while they wrap up.
# Appending: the startup and the shutdown script write to the console at the same time.
exec > >(trap "" TERM INT HUP; exec tee -a "$J/console.log" >>"$SERIAL") 2>&1
vm() { echo "mymlops-vm: $*"; }
md() { curl -sf --retry 5 --retry-delay 1 --retry-connrefused -H 'Metadata-Flavor: Google' "$MD/$1"; }
attr() { md "instance/attributes/$1"; }
# md_wait KEY: the value once it changes. The metadata server holds a `?wait_for_change=true` request
# until the value changes, or timeout_sec passes ("Waiting for updates", GCE metadata server docs).
md_wait() { curl -sf -m 330 -H 'Metadata-Flavor: Google' "$MD/$1?wait_for_change=true&timeout_sec=300"; }
# alive PID: the process runs (the shutdown scripts wait for the startup script, the job, the dev
# script). One that has ended may stay a zombie until its new parent reaps it: that is not alive.
alive() { local st; [ -n "$1" ] && st="$(ps -o stat= -p "$1" 2>/dev/null)" && [ -n "$st" ] && [ "${st:0:1}" != Z ]; }
pyjson() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token() { md instance/service-accounts/default/token | pyjson '["access_token"]'; }
# A request without a body still says its length: Google's front end answers a POST without
# Content-Length with 411 Length Required (`curl -X POST` with no data sends none).
api() { # api METHOD PATH [JSON]
  local t; t="$(token)" || return 1
  if [ $# -ge 3 ]; then curl -sf -X "$1" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' --data-binary "$3" "$API$2"
  else curl -sf -X "$1" -H "Authorization: Bearer $t" -H 'Content-Length: 0' "$API$2"; fi
}
# set_md KEY VALUE: set one instance metadata item on this VM (status reads mymlops-* items).
# Needs PROJECT, ZONE and NAME.
set_md() {
  local inst body
  inst="$(api GET "projects/$PROJECT/zones/$ZONE/instances/$NAME")" &&
  body="$(python3 -c '
import json, sys
md = json.loads(sys.argv[3]).get("metadata", {})
items = [i for i in md.get("items", []) if i["key"] != sys.argv[1]] + [{"key": sys.argv[1], "value": sys.argv[2]}]
print(json.dumps({"fingerprint": md.get("fingerprint"), "items": items}))' "$1" "$2" "$inst")" &&
  api POST "projects/$PROJECT/zones/$ZONE/instances/$NAME/setMetadata" "$body" >/dev/null
}
# scrub_keys: the deploy keys are on the disk now; take them out of the instance metadata, which
# anyone with read access to the project can see. Needs PROJECT, ZONE and NAME.
scrub_keys() {
  local inst body
  inst="$(api GET "projects/$PROJECT/zones/$ZONE/instances/$NAME")" &&
  body="$(python3 -c '
import json, sys
md = json.load(sys.stdin).get("metadata", {})
items = [i for i in md.get("items", []) if not i["key"].startswith("mymlops-key-")]
print(json.dumps({"fingerprint": md.get("fingerprint"), "items": items}))' <<<"$inst")" &&
  api POST "projects/$PROJECT/zones/$ZONE/instances/$NAME/setMetadata" "$body" >/dev/null
}
