#!/bin/bash
# mymlops startup script of the VM `mymlops image create` bakes a snapshot from. It runs after the
# image's own first-boot work (a Deep Learning VM image installs the NVIDIA driver before startup
# scripts run), once (a flag file: the baked disk never runs it again): it clones the code
# repository (deploy key from instance metadata, removed from the metadata and the disk again) and
# runs image.setup in the clone, then removes the clone. Its last line says how it went; the CLI
# reads it on the serial console, then stops the VM and snapshots its boot disk.
# Simulator hooks: see prelude.sh.
# shellcheck source=prelude.sh
. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@
# NAME, ZONE and PROJECT are read by the prelude's API helpers (scrub_keys).
# shellcheck disable=SC2034
NAME="$(md instance/name)"
ZONE="$(md instance/zone)"; ZONE="${ZONE##*/}"
# shellcheck disable=SC2034
PROJECT="$(md project/project-id)"
DONE="$J/image-setup.done"
if [ -f "$DONE" ]; then
  vm "image setup already done on this disk"
  exit 0
fi
if command -v nvidia-smi >/dev/null 2>&1; then
  vm "GPU driver: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -1)"
fi
SETUP="$(attr mymlops-image-setup || true)"
EC=0
if [ -n "$SETUP" ]; then
  URL="$(attr mymlops-image-repo-url || true)"
  BRANCH="$(attr mymlops-image-repo-branch || echo master)"
  KEY="$J/image-key"
  if attr mymlops-key-repository >"$KEY.tmp"; then
    chmod 600 "$KEY.tmp" && mv "$KEY.tmp" "$KEY"
    export GIT_SSH_COMMAND="ssh -i $KEY -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
    scrub_keys || vm "warning: could not remove the deploy key from instance metadata"
  else
    rm -f "$KEY.tmp"
  fi
  W="$(mktemp -d)"
  vm "cloning $URL ($BRANCH)"
  if git clone -q --depth 1 --branch "$BRANCH" "$URL" "$W/repo"; then
    vm "running image.setup: $SETUP"
    (cd "$W/repo" && bash -c "$SETUP" </dev/null)
    EC=$?
  else
    vm "could not clone $URL"
    EC=1
  fi
  rm -rf "$W" "$KEY"
fi
[ "$EC" = 0 ] && touch "$DONE"
vm "image setup finished status=$EC"
