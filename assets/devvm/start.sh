#!/usr/bin/env bash
# mymlops dev-machine script — generated; contract in src/core/devvm/script.ts.
# Every boot: clone the repository once (a flag inside .git marks a complete clone), run the start
# command in it (its own process group), and run the idle watchdog next to it.
set -u -o pipefail
J="${MYMLOPS_JOB_DIR:?MYMLOPS_JOB_DIR must point at the job folder}"
say() { printf 'mymlops: %s\n' "$*"; }

PY="${MYMLOPS_PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY="$(command -v python3 || true)"; fi
fi
[ -n "$PY" ] || { say "error: python3 is needed to read job.json"; exit 1; }
# job.json → shell variables (values quoted by Python, so any command text is safe).
eval "$("$PY" - "$J/job.json" <<'PYEOF'
import json, shlex, sys
c = json.load(open(sys.argv[1]))
out = {
  'NAME': c['name'], 'COMMAND': c['command'], 'REPO_URL': c['repository']['url'],
  'REPO_BRANCH': c['repository']['branch'], 'REPO_DIR': c.get('repo_dir') or '',
  'SSH_OPTS': ' '.join(shlex.quote(o) for o in c.get('ssh_options', [])),
  'WD_ENABLED': '1' if c.get('watchdog') else '0',
  'PUBLISH_GA': '1' if c.get('guest_attributes') else '0',
}
for k, v in out.items(): print(f'{k}={shlex.quote(v)}')
for k, v in (c.get('watchdog') or {}).items(): print(f'export {k}={shlex.quote(str(v))}')
PYEOF
)" || { say "error: cannot read $J/job.json"; exit 1; }

# On a (simulated) VM the repository lives under the machine root; locally next to the job.
if [ -n "$REPO_DIR" ]; then REPO="${MYMLOPS_VM_ROOT:-}$REPO_DIR"; else REPO="$J/repo"; fi
say "dev machine $NAME booting (repository in $REPO)"

# What the start command is doing, for `mymlops status`: $J/dev-state.json, and on GCE the guest
# attribute mymlops/dev. Written on change only: guest attributes take few writes a minute.
GA_URL="http://${GCE_METADATA_HOST:-metadata.google.internal}/computeMetadata/v1/instance/guest-attributes/mymlops/dev"
LAST_REPORT=""
report() { # STATE CODE|null MESSAGE
  [ "$1 $2 $3" != "$LAST_REPORT" ] || return 0
  LAST_REPORT="$1 $2 $3"
  local json
  json=$(printf '{"state":"%s","code":%s,"message":"%s","updated_at":"%s"}' "$1" "$2" "$3" "$(date -u +%Y-%m-%dT%H:%M:%SZ)")
  printf '%s\n' "$json" > "$J/dev-state.json.tmp" && mv -f "$J/dev-state.json.tmp" "$J/dev-state.json"
  if [ "$PUBLISH_GA" = 1 ]; then
    curl -fsS -m 5 -X PUT -H 'Metadata-Flavor: Google' --data "$json" "$GA_URL" >/dev/null 2>&1 ||
      say "could not publish the start command's state to guest attributes"
  fi
}

KEY="$J/keys/repository"
# The credentials of an https URL (keys/repository.cred, src/adapters/git/job-credentials.ts) reach
# git through a helper scoped to the URL's host that reads the file: argv holds its path only. The
# empty helper first drops any other configured one.
CRED="$J/keys/repository.cred"
CRED_ARGS=()
CRED_HOST=""
if [ -f "$CRED" ] && [[ $REPO_URL =~ ^(https?://[^/]+) ]]; then
  chmod 600 "$CRED"
  CRED_HOST="${BASH_REMATCH[1]}"
  CRED_HELPER="!f() { test \"\$1\" = get && cat $(printf '%q' "$CRED"); }; f"
  CRED_ARGS=(-c credential.helper= -c "credential.$CRED_HOST.helper=$CRED_HELPER")
fi
SSH_CMD="ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=15 $SSH_OPTS"
CLONED_FLAG="$REPO/.git/mymlops-cloned"
CLONE_OK=1
if [ -f "$CLONED_FLAG" ]; then
  say "repository already cloned: not cloning again"
else
  rm -rf "$REPO"
  mkdir -p "$(dirname "$REPO")"
  GIT_SSH="$SSH_CMD"
  if [ -f "$KEY" ]; then chmod 600 "$KEY"; GIT_SSH="$GIT_SSH -i $KEY -o IdentitiesOnly=yes"; fi
  say "cloning $REPO_URL ($REPO_BRANCH)"
  if GIT_TERMINAL_PROMPT=0 GIT_SSH_COMMAND="$GIT_SSH" git "${CRED_ARGS[@]}" clone --recursive --branch "$REPO_BRANCH" "$REPO_URL" "$REPO"; then
    # Keep the deploy key with the clone so `git pull` works in an ssh session on the machine.
    if [ -f "$KEY" ]; then
      cp "$KEY" "$REPO/.git/mymlops-deploy-key" && chmod 600 "$REPO/.git/mymlops-deploy-key"
      git -C "$REPO" config core.sshCommand "$SSH_CMD -i $REPO/.git/mymlops-deploy-key -o IdentitiesOnly=yes"
    fi
    # Likewise the clone's own config points at the credential file (never holds the secret).
    if [ -n "$CRED_HOST" ]; then
      git -C "$REPO" config credential.helper '' &&
        git -C "$REPO" config "credential.$CRED_HOST.helper" "$CRED_HELPER"
    fi
    date -u +%Y-%m-%dT%H:%M:%SZ > "$CLONED_FLAG"
  else
    say "error: git clone failed; the start command is not run (the watchdog still stops an idle VM)"
    report failed null "git clone failed"
    CLONE_OK=0
  fi
fi

CMD_PID=""
WD_PID=""
stop_all() {
  say "stopping"
  [ -n "$WD_PID" ] && kill -TERM "$WD_PID" 2>/dev/null
  [ -n "$CMD_PID" ] && kill -TERM -- "-$CMD_PID" 2>/dev/null
  exit 143
}
trap stop_all TERM INT

if [ "$CLONE_OK" = 1 ]; then
  say "running start command: $COMMAND"
  # Own process group, so the watchdog (local mode) and `mymlops stop` can stop all of it.
  (cd "$REPO" && exec setsid bash -c "$COMMAND") &
  CMD_PID=$!
  echo "$CMD_PID" > "$J/command.pid"
  report running null ""
fi

# @@WATCHDOG@@

LOCAL=1
[ "${MYMLOPS_WD_GCE:-0}" = 1 ] || [ "$PUBLISH_GA" = 1 ] && LOCAL=0
# A local machine with nothing to run has nothing to watch either.
if [ "$WD_ENABLED" = 1 ] && [ "${MYMLOPS_WD_TIMEOUT:-0}" -gt 0 ] && { [ "$LOCAL" = 0 ] || [ -n "$CMD_PID" ]; }; then
  export MYMLOPS_WD_STATE_FILE="${MYMLOPS_WD_STATE_FILE:-$J/idle.json}"
  export MYMLOPS_WD_LOG="${MYMLOPS_WD_LOG:-$J/watchdog.log}"
  if [ "$LOCAL" = 1 ]; then
    # Local machine: "stop" means stopping the start command, never this computer.
    # TERM the command's group, KILL whatever is left after 10 s.
    export MYMLOPS_WD_ACTION_CMD="${MYMLOPS_WD_ACTION_CMD:-kill -TERM -- -$CMD_PID 2>/dev/null; for i in \$(seq 100); do kill -0 -- -$CMD_PID 2>/dev/null || break; sleep 0.1; done; kill -KILL -- -$CMD_PID 2>/dev/null; true}"
  elif [ -n "${MYMLOPS_VM_ROOT:-}" ]; then
    # A simulated VM shares the host: a failed API stop must never shut the host down.
    export MYMLOPS_WD_SHUTDOWN_CMD="${MYMLOPS_WD_SHUTDOWN_CMD:-false}"
  fi
  rm -f "$MYMLOPS_WD_STATE_FILE"
  say "idle watchdog: ${MYMLOPS_WD_ACTION:-stop} after ${MYMLOPS_WD_TIMEOUT}s idle (log: $MYMLOPS_WD_LOG)"
  bash "$J/watchdog.sh" &
  WD_PID=$!
else
  say "idle watchdog disabled"
fi
if [ -n "$CMD_PID" ]; then
  wait "$CMD_PID"
  CODE=$?
  CMD_PID=""
  say "start command exited with code $CODE"
  report exited "$CODE" ""
  # Locally the machine is only its command: once it has ended, so has the watchdog's job (unless it
  # is the watchdog that stopped it: then let it record that it did).
  if [ "$LOCAL" = 1 ] && [ -n "$WD_PID" ] && ! grep -q '"state":"acting"' "${MYMLOPS_WD_STATE_FILE:-/nonexistent}" 2>/dev/null; then
    kill -TERM "$WD_PID" 2>/dev/null
  fi
fi
if [ -n "$WD_PID" ]; then
  wait "$WD_PID"
  WD_PID=""
  say "idle watchdog finished"
fi
