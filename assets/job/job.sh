#!/usr/bin/env bash
# mymlops job script: runs one commit on a machine. The same text on every backend (the gce backend
# runs it from its startup script); every per-commit value comes from job.json.
#
# CONTRACT (backends rely on this; docs/architecture.md "Job script" repeats it)
#   Run:   MYMLOPS_JOB_DIR=<dir> bash job.sh          (any user; needs bash, git, python3, coreutils, ps)
#   Input: $MYMLOPS_JOB_DIR/job.json                    non-secret settings (CommitJobJson, src/core/ports/job-json.ts)
#          $MYMLOPS_JOB_DIR/keys/repository, keys/output   deploy keys (optional; chmod 600 is applied)
#          $MYMLOPS_JOB_DIR/keys/repository.cred, keys/output.cred   credentials for the https URLs
#            (optional; `username=`/`password=` lines, src/adapters/git/job-credentials.ts), given
#            to git by a credential helper for that URL's host only: never in argv or the log
#          $MYMLOPS_PYTHON (optional) python3 to use; default /usr/bin/python3, else python3 on PATH
#   Helper: helper.py (python3 standard library) does all JSON work. The planned script
#          (jobScript() in src/core/job/script.ts) carries it inline and writes it to
#          $MYMLOPS_JOB_DIR/helper.py; this file as it is uses the helper.py next to it, so
#          `MYMLOPS_JOB_DIR=<dir> bash assets/job/job.sh` runs a job by hand.
#   Runner: run_notebook.py (nbclient) travels the same way ($MYMLOPS_JOB_DIR/run_notebook.py); the
#          command finds it on PATH as `mymlops-run-notebook`, and MYMLOPS_DEADLINE (epoch seconds,
#          with max_duration/the cost cap) in its environment.
#   Mode:  MYMLOPS_JOB_MODE=publish bash job.sh   publishes a result kept in $MYMLOPS_JOB_DIR/unpublished/
#          (see "Not published"), then updates result.json; nothing is run. Idempotent.
#   Work:  $MYMLOPS_JOB_DIR/work/{repo,out,stage}        removed at the end unless job.json keep_workdir
#   Output: stdout/stderr = the job log (local: job.log, gce: serial console). Script lines start with
#          "mymlops: "; the command's own output is passed through unchanged. The last two lines are
#            mymlops: result {"status": ..., "exit_code": ..., "error": ..., "message": ..., "published": ...}
#            mymlops: job finished status=<succeeded|failed|cancelled|stopped>
#          $MYMLOPS_JOB_DIR/run.log   what is published as job.log (script lines + command output)
#          $MYMLOPS_JOB_DIR/result.json   the result line's JSON (written before the last lines); also
#            "reason" (preempted|stopped) when stopped, "publish_error" and "final_status" (what the
#            kept metadata.json says) when published is false
#          $MYMLOPS_JOB_DIR/started   ISO time the job started
#   Exit:  0 succeeded, 1 failed (command or notebook), 2 cancelled, 3 stopped by a shutdown
#          (preemption or another stop: what there was is pushed as "processing"), 4 not published
#          (the result is kept in $MYMLOPS_JOB_DIR/unpublished/; publish mode pushes it later).
#   Signals: SIGTERM/SIGINT/SIGHUP stop the command (whole process tree). Why tells what follows:
#          - $MYMLOPS_JOB_DIR/cancel-requested exists (the canceller writes it BEFORE signalling):
#            a user's cancel: publish status "cancelled" (exit 2).
#          - otherwise a shutdown: "preempted" when $MYMLOPS_JOB_DIR/preempted exists (the GCE
#            startup and shutdown scripts write it when instance/preempted is TRUE) or, on gce, the metadata
#            server says instance/preempted is TRUE; else "stopped". The command's tree is stopped
#            (KILL after 3 s) and, within shutdown_grace seconds of the signal (job.json, default 20;
#            env MYMLOPS_SHUTDOWN_GRACE), the partly executed notebook, artifacts so far (artifacts=true)
#            and job.log are pushed with status "processing" and "interrupted": <reason> in
#            metadata.json: no final status. result.json says status "stopped" (exit 3, also when
#            that push failed: then the folder is kept as under "Not published").
#   Attempts: at each push an earlier attempt's <id>/metadata.json on the output tip is folded into
#          metadata.json "attempts" [{attempt, status, started_at, finished_at}], oldest first.
#   Publish: <id>/<notebook file>, <id>/metadata.json, <id>/job.log, <id>/artifacts/ (artifacts=true)
#          to output_repository.branch, built with a temporary index on the fetched tip (no checkout
#          of the output repository), retried on rejection after a fresh fetch; never forced; a
#          tree equal to the tip's is not pushed again. With progress_interval > 0 the folder so far
#          (status "processing") is force-pushed meanwhile as a parentless commit to
#          refs/mymlops/progress/<id>, never to the branch; its message is a subject line, a blank
#          line and metadata.json. The ref is deleted once the result is on the branch.
#   Not published: when the final push fails it is retried with backoff for publish_retry seconds
#          (job.json, default 300; env MYMLOPS_PUBLISH_RETRY), then the staged folder is KEPT as
#          $MYMLOPS_JOB_DIR/unpublished/<id>/ (+ commit-msg), never deleted: result.json has
#          published false, publish_error, final_status; status "failed" (exit 4). Publish mode
#          removes the kept copy only after its push succeeded.
#          A file over what git hosts accept (100 MB, GitHub's limit; env MYMLOPS_GIT_MAX_FILE_MB)
#          is not pushed at all: kept the same way, publish_error naming the file and its size.
#          A push the server refuses (a pre-receive hook, GitHub's size check) is not retried either.
#   Store: with artifact_store (job.json {url, min_mb}; env MYMLOPS_ARTIFACT_STORE/_MIN_MB, which
#          publish mode passes) artifact files over min_mb are written to <url>/<id>/artifacts/… before
#          the push and <id>/stored-artifacts.json lists them (name, size, sha256, location).
set -u -o pipefail
umask 077
J="${MYMLOPS_JOB_DIR:?MYMLOPS_JOB_DIR must point at the job folder}"
WORK="$J/work"
RUNLOG="$J/run.log"
ERRF="$J/.git-stderr"
mkdir -p "$WORK" || exit 1
: >>"$RUNLOG"

say() { printf 'mymlops: %s\n' "$*" | tee -a "$RUNLOG"; }
refusal() { # a refused push: the server's own remote: lines, then git's (reason)
  local said why
  said="$(grep -E '^remote:[[:space:]]*[^[:space:]]' "$ERRF" 2>/dev/null | head -n 3 | sed -E 's/[[:space:]]+$//' | awk 'NR > 1 { printf " / " } { printf "%s", $0 }')"
  why="$(sed -nE 's/^[[:space:]]*! \[remote rejected\] .*\((.+)\)[[:space:]]*$/\1/p' "$ERRF" | head -n 1)"
  printf '%s' "${said:+$said }(${why:-refused})" | sed -E 's#(://)[^/@[:space:]]*@#\1#g'
}
last_err() { # the most telling line of the last git error (not git's generic advice)
  local l
  l="$(grep -vE '^\s*$|Could not read from remote repository|Please make sure you have the correct|and the repository exists' "$ERRF" 2>/dev/null | grep -E '^(fatal|error|ERROR|remote: error)' | head -n 1)"
  [ -n "$l" ] || l="$(grep -vE '^\s*$|Could not read from remote repository|Please make sure you have the correct|and the repository exists|^hint:' "$ERRF" 2>/dev/null | tail -n 1)"
  # git may echo a URL it was given with credentials (a submodule's, say): never print them.
  printf '%s' "$l" | sed -E 's#(://)[^/@[:space:]]*@#\1#g'
}

PY="${MYMLOPS_PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY="$(command -v python3 || true)"; fi
fi
if [ -z "$PY" ]; then
  say "python3 is required on the machine (for the job's JSON work) — install python3"
  say 'result {"status": "failed", "message": "python3 missing on the machine", "published": false}'
  say "job finished status=failed"
  exit 1
fi
HELPER="$(dirname "${BASH_SOURCE[0]:-$0}")/helper.py"
# @@HELPER@@
if [ ! -f "$HELPER" ]; then
  say "the job's helper $HELPER is missing"
  exit 1
fi
helper() { "$PY" "$HELPER" "$@"; }
RUNNER="$(dirname "${BASH_SOURCE[0]:-$0}")/run_notebook.py"
# @@RUNNER@@
runner_env() { # the command's environment: the shipped runner as `mymlops-run-notebook`, and its deadline
  mkdir -p "$J/bin" || return 1
  # Run by the job's python unless the command sets MYMLOPS_PYTHON (a venv's, say).
  printf '#!/usr/bin/env bash\nPY=%q\nexec "${MYMLOPS_PYTHON:-$PY}" %q "$@"\n' "$PY" "$RUNNER" >"$J/bin/mymlops-run-notebook" &&
    chmod 700 "$J/bin/mymlops-run-notebook" || return 1
  export PATH="$J/bin:$PATH"
  if [ "$MY_MAX_DURATION" -gt 0 ]; then export MYMLOPS_DEADLINE=$(($(date +%s) + MY_MAX_DURATION)); fi
}

eval "$(helper env "$J/job.json")" || exit 1
STARTED="$MY_STARTED"
MODE="${MYMLOPS_JOB_MODE:-run}"
[ "$MODE" = publish ] || echo "$STARTED" >"$J/started"
export GIT_TERMINAL_PROMPT=0 LC_ALL=C
export GIT_AUTHOR_NAME="$MY_GIT_NAME" GIT_AUTHOR_EMAIL="$MY_GIT_EMAIL"
export GIT_COMMITTER_NAME="$MY_GIT_NAME" GIT_COMMITTER_EMAIL="$MY_GIT_EMAIL"

ssh_cmd() { # ssh_cmd <key name>: GIT_SSH_COMMAND for that repository's deploy key
  local k="$J/keys/$1" c="ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=20"
  if [ -f "$k" ]; then chmod 600 "$k" 2>/dev/null; c="$c -o IdentitiesOnly=yes -i $(printf '%q' "$k")"; fi
  printf '%s %s' "$c" "$MY_SSH_OPTS"
}
SSH_REPO="$(ssh_cmd repository)"
SSH_OUT="$(ssh_cmd output)"
cred_args() { # cred_args <key name> <url>: git -c options answering credential requests for that URL's host from keys/<name>.cred
  local re='^(https?://[^/]+)'
  [ -f "$J/keys/$1.cred" ] && [[ $2 =~ $re ]] || return 0
  chmod 600 "$J/keys/$1.cred" 2>/dev/null
  # The empty helper drops any configured one; the file is read by the helper, so argv holds its path only.
  printf '%s\n' -c credential.helper= -c "credential.${BASH_REMATCH[1]}.helper=!f() { test \"\$1\" = get && cat \"\$MYMLOPS_JOB_DIR/keys/$1.cred\"; }; f"
}
export MYMLOPS_JOB_DIR="$J"
mapfile -t CRED_REPO < <(cred_args repository "$MY_REPO_URL")
mapfile -t CRED_OUT < <(cred_args output "$MY_OUT_URL")
REPO="$WORK/repo"
OUT="$WORK/out"
NB_FILE="$(basename "$MY_NOTEBOOK")"
NB_DIR="$(dirname "$MY_NOTEBOOK")"

CMD_PID=""
PROGRESS_PID=""
CANCELLED=""
STOP_REASON=""
STOP_AT=""
FINISHING=""
STAGE_MSG=""
EC=""
KEPT="$J/unpublished"
PROGRESS_REF="refs/mymlops/progress/$MY_COMMIT_ID"
PUBLISH_DEADLINE="" # shutdown only: every publishing step ends by then (epoch seconds)
RETRY_UNTIL=""      # failed publishes are tried again until then (epoch seconds)

kill_tree() { # kill_tree <pid> <signal>: the process, then its descendants (listed before it dies)
  local pid=$1 sig=$2 children child
  children="$(ps -o pid= --ppid "$pid" 2>/dev/null)"
  kill "-$sig" "$pid" 2>/dev/null || true
  for child in $children; do kill_tree "$child" "$sig"; done
}

preempted_now() { # the GCE metadata server's instance/preempted; asked again (3 tries) when it gives no answer
  [ "$MY_BACKEND" = gce ] || return 1
  local try v
  for try in 1 2 3; do
    if v="$(curl -sf -m 2 -H 'Metadata-Flavor: Google' "http://${GCE_METADATA_HOST:-metadata.google.internal}/computeMetadata/v1/instance/preempted" 2>/dev/null)"; then
      [ "$v" = TRUE ]
      return
    fi
    [ "$try" = 3 ] || sleep 0.5
  done
  return 1
}

on_signal() {
  [ -n "$FINISHING" ] && return
  [ -n "$CANCELLED$STOP_REASON" ] && return
  if [ -f "$J/cancel-requested" ]; then
    CANCELLED=1
    say "cancel requested: stopping the command"
  else
    # No cancel marker: the machine is going down. On GCE a preemption and instances.stop are
    # both an ACPI soft-off; the VM's shutdown script (assets/gce/commit-shutdown.sh) sends this
    # SIGTERM, as the guest agent signals only its script runner; for spot VMs power-off follows
    # "30 seconds" later (compute v1 Scheduling.skipGuestOsShutdown).
    STOP_AT="$(date +%s)"
    STOP_REASON=stopped
    if [ -f "$J/preempted" ] || preempted_now; then STOP_REASON=preempted; fi
    say "the machine is shutting down ($STOP_REASON): stopping the command, pushing what there is"
    [ -n "$CMD_PID" ] && ( sleep 3; kill_tree "$CMD_PID" KILL ) &
  fi
  [ -n "$CMD_PID" ] && kill_tree "$CMD_PID" TERM
}
trap on_signal TERM INT HUP

remaining() { # seconds left before PUBLISH_DEADLINE (a large number when there is none)
  if [ -z "$PUBLISH_DEADLINE" ]; then echo 86400; return; fi
  echo $((PUBLISH_DEADLINE - $(date +%s)))
}
# ---- publish: <id>/ folder from $1 (a staging dir) onto the output branch; $2 = commit message file
out_git() { GIT_SSH_COMMAND="$SSH_OUT" git "${CRED_OUT[@]}" -C "$OUT" "$@"; }
out_net() { # out_git for network commands: bounded by PUBLISH_DEADLINE when there is one
  [ -n "$PUBLISH_DEADLINE" ] || { out_git "$@"; return; }
  local t; t="$(remaining)"
  [ "$t" -gt 0 ] || { echo "fatal: out of time to publish" >"$ERRF"; return 1; }
  GIT_SSH_COMMAND="$SSH_OUT" timeout -k 1 "$t" git "${CRED_OUT[@]}" -C "$OUT" "$@"
}
out_init() {
  [ -d "$OUT/.git" ] && return 0
  # A blobless, shallow view of the output branch: only the tip's trees are fetched, never the
  # notebooks of earlier commits (the repository grows with every commit).
  git -c init.defaultBranch=mymlops init -q "$OUT" && out_git remote add origin "$MY_OUT_URL" &&
    out_git config remote.origin.promisor true && out_git config remote.origin.partialclonefilter blob:none
}
publish() {
  local stage=$1 msgfile=$2 attempt=0 fetch_fail=0 tip tree commit delay
  out_init || return 1
  rm -f "$OUT/.git/"*.lock "$OUT/.git/mymlops-index.lock"
  while [ $attempt -lt 40 ]; do
    attempt=$((attempt + 1))
    tip=""
    if out_net fetch -q --no-tags --depth=1 --filter=blob:none origin "+refs/heads/$MY_OUT_BRANCH:refs/remotes/origin/$MY_OUT_BRANCH" 2>"$ERRF"; then
      tip="$(out_git rev-parse "refs/remotes/origin/$MY_OUT_BRANCH")"
    else
      out_net ls-remote --exit-code "$MY_OUT_URL" "refs/heads/$MY_OUT_BRANCH" >/dev/null 2>>"$ERRF"
      if [ $? -ne 2 ]; then # not "branch missing": the repository is unreachable
        fetch_fail=$((fetch_fail + 1))
        if [ $fetch_fail -ge 3 ] || [ "$(remaining)" -le 0 ]; then PUBLISH_ERR="output repository $MY_OUT_URL unreachable: $(last_err)"; return 1; fi
        sleep "$(helper backoff $fetch_fail)"; continue
      fi
    fi
    # An earlier attempt's metadata.json on the tip becomes history in this one's `attempts`.
    if [ -n "$tip" ] && [ -f "$stage/$MY_COMMIT_ID/metadata.json" ] &&
      out_net cat-file blob "$tip:$MY_COMMIT_ID/metadata.json" >"$WORK/prev-meta.json" 2>/dev/null; then
      # Exit 3: the folder is another commit's (another snapshot under this id): never replaced.
      if ! helper history "$stage/$MY_COMMIT_ID/metadata.json" "$WORK/prev-meta.json"; then
        PUBLISH_ERR="$MY_COMMIT_ID/ in $MY_OUT_URL holds another commit's result (another snapshot); it is not replaced"
        PUBLISH_FINAL=1
        return 1
      fi
    fi
    export GIT_INDEX_FILE="$OUT/.git/mymlops-index"
    if [ -n "$tip" ]; then out_git read-tree "$tip"; else out_git read-tree --empty; fi
    out_git --work-tree="$stage" add -A -f -- "$MY_COMMIT_ID" 2>"$ERRF" || { PUBLISH_ERR="staging failed: $(last_err)"; unset GIT_INDEX_FILE; return 1; }
    tree="$(out_git write-tree --missing-ok)"
    unset GIT_INDEX_FILE
    # Nothing changed (a second publish of the same folder, an unchanged progress push): no commit.
    if [ -n "$tip" ] && [ "$tree" = "$(out_git rev-parse "$tip^{tree}")" ]; then PUBLISH_SAME=1; return 0; fi
    if [ -n "$tip" ]; then commit="$(out_git commit-tree "$tree" -p "$tip" -F "$msgfile")"; else commit="$(out_git commit-tree "$tree" -F "$msgfile")"; fi
    if out_net push -q "$MY_OUT_URL" "$commit:refs/heads/$MY_OUT_BRANCH" 2>"$ERRF"; then return 0; fi
    # A server that refuses (a hook, a protected branch) says why and will say it again: not a race.
    if grep -qiE '^\s*! \[remote rejected\]|GH001|exceeds .*file size limit' "$ERRF" && ! grep -qiE 'cannot lock|failed to update ref|incorrect old value' "$ERRF"; then
      PUBLISH_ERR="push to $MY_OUT_URL refused by the server: $(refusal)"
      PUBLISH_FINAL=1
      return 1
    fi
    if ! grep -qiE 'rejected|fetch first|non-fast-forward|cannot lock|failed to update ref|incorrect old value' "$ERRF"; then
      fetch_fail=$((fetch_fail + 1))
      if [ $fetch_fail -ge 3 ]; then PUBLISH_ERR="push to $MY_OUT_URL failed: $(last_err)"; return 1; fi
    fi
    [ "$(remaining)" -gt 0 ] || { PUBLISH_ERR="push to $MY_OUT_URL failed: out of time: $(last_err)"; return 1; }
    delay="$(helper backoff $attempt)"
    sleep "$delay"
  done
  PUBLISH_ERR="push to $MY_OUT_URL still rejected after $attempt attempts: $(last_err)"
  return 1
}

fit_for_git() { # fit_for_git <folder>: large artifacts to the store (a manifest stays); prints why it cannot be pushed, if so
  local why
  if [ -n "$MY_STORE_URL" ] && ! why="$(helper offload "$1" "$MY_STORE_URL" "$MY_STORE_MIN_BYTES" "$MY_COMMIT_ID")"; then
    printf '%s' "${why:-could not write to the artifact store $MY_STORE_URL}"
    return
  fi
  helper toobig "$1" "$MY_GIT_MAX_FILE_BYTES"
}

publish_until() { # publish_until <stage> <msgfile>: publish, retried with backoff until RETRY_UNTIL
  local n=0 d
  for (( ; ; )); do
    PUBLISH_ERR="" PUBLISH_SAME="" PUBLISH_FINAL=""
    publish "$1" "$2" && return 0
    # Asking again gets the same answer (a server's refusal, another commit's folder): keep the
    # result now (`mymlops publish` once it is fixed).
    [ -z "$PUBLISH_FINAL" ] || return 1
    n=$((n + 1))
    d="$(helper backoff $((n + 3)) | cut -d. -f1)"
    [ "$d" -ge 1 ] || d=1
    [ $(($(date +%s) + d)) -lt "$RETRY_UNTIL" ] || return 1
    [ "$(remaining)" -gt "$d" ] || return 1
    say "could not publish ($PUBLISH_ERR): trying again in ${d}s"
    sleep "$d"
  done
}

stage_files() { # stage_files <stage dir> <status for metadata> [message] [interrupted]: fills <stage>/<id>/, prints the summary
  local st=$1 status=$2 msg=${3:-} why=${4:-} d="$1/$MY_COMMIT_ID" nb=""
  rm -rf "$st" && mkdir -p "$d"
  if [ -f "$REPO/$MY_NOTEBOOK" ]; then cp "$REPO/$MY_NOTEBOOK" "$d/$NB_FILE.tmp" && mv "$d/$NB_FILE.tmp" "$d/$NB_FILE" && nb="$d/$NB_FILE"; fi
  if [ "$MY_ARTIFACTS" = 1 ] && { [ "$status" != processing ] || [ -n "$why" ]; }; then
    if [ -d "$REPO/$NB_DIR/artifacts" ]; then cp -R "$REPO/$NB_DIR/artifacts" "$d/artifacts"
    elif [ -d "$REPO" ]; then say "warning: -a given but $NB_DIR/artifacts does not exist" >&2; fi
  fi
  helper metadata "$J/job.json" "$nb" "$d/metadata.json" "$status" "$EC" "$STARTED" "$msg" "$([ -f "$WORK/timed_out" ] && echo 1 || echo 0)" "$why"
}

progress_loop() {
  local msg="$WORK/progress-msg"
  trap 'exit 0' TERM # stopped by finish(): end quietly
  while [ ! -f "$WORK/stop-progress" ]; do
    sleep "$MY_PROGRESS_INTERVAL" &
    wait $! # interruptible: the TERM trap ends the loop at once
    [ -f "$REPO/$MY_NOTEBOOK" ] || continue
    local p; p="$(helper progress "$REPO/$MY_NOTEBOOK" 2>/dev/null)" || continue
    stage_files "$WORK/pstage" processing >/dev/null 2>&1 || continue
    helper caplog "$RUNLOG" "$WORK/pstage/$MY_COMMIT_ID/job.log" "$MY_LOG_MAX_BYTES"
    # The message carries metadata.json too: status reads progress from commits and trees alone.
    { printf 'progress %s: %s cells\n\n' "$MY_COMMIT_ID" "$p"; cat "$WORK/pstage/$MY_COMMIT_ID/metadata.json"; } >"$msg"
    if push_progress "$WORK/pstage" "$msg" >/dev/null 2>&1; then say "progress pushed ($p cells)"; fi
  done
}

# ---- progress: off the output branch, in one force-updated ref per commit (PROGRESS_REF), so the
# branch gets one commit per result and readers of the branch alone never see a running commit as a
# result. The ref is removed once the result is on the branch (drop_progress); `mymlops prune`
# removes the ones a job could not.
push_progress() { # push_progress <stage> <msgfile>: a parentless commit of <stage>/<id>/; false when unchanged or failed
  local tree commit
  out_init || return 1
  GIT_INDEX_FILE="$OUT/.git/mymlops-progress-index" out_git read-tree --empty &&
    GIT_INDEX_FILE="$OUT/.git/mymlops-progress-index" out_git --work-tree="$1" add -A -f -- "$MY_COMMIT_ID" &&
    tree="$(GIT_INDEX_FILE="$OUT/.git/mymlops-progress-index" out_git write-tree)" || return 1
  [ "$tree" != "$(cat "$WORK/progress-tree" 2>/dev/null)" ] || return 1
  commit="$(out_git commit-tree "$tree" -F "$2")" || return 1
  out_net push -q -f "$MY_OUT_URL" "$commit:$PROGRESS_REF" 2>"$ERRF" || return 1
  echo "$tree" >"$WORK/progress-tree"
  touch "$J/progress-ref"
}
drop_progress() { # best effort: the result is on the branch now
  [ -f "$J/progress-ref" ] || return 0
  out_net push -q "$MY_OUT_URL" ":$PROGRESS_REF" 2>"$ERRF" && rm -f "$J/progress-ref"
}

end_with() { # end_with <result json>: the contract's last two lines and exit code
  local result=$1 status=failed code re='"status": "([a-z]+)"'
  say "result $result"
  [[ $result =~ $re ]] && status="${BASH_REMATCH[1]}"
  say "job finished status=$status"
  case "$status" in succeeded) code=0 ;; cancelled) code=2 ;; stopped) code=3 ;; *) code=1 ;; esac
  [ "$status" != stopped ] && [ "$code" != 0 ] && [[ $result == *'"published": false'* ]] && [ -d "$KEPT" ] && code=4
  exit $code
}

finish() {
  FINISHING=1
  trap '' TERM INT HUP
  local status=auto summary result published=0 msg="$WORK/commit-msg"
  if [ -n "$PROGRESS_PID" ]; then
    # Progress pushes are best effort: stop the loop now, even mid-push (the final push re-fetches).
    touch "$WORK/stop-progress"
    kill_tree "$PROGRESS_PID" TERM
    wait "$PROGRESS_PID" 2>/dev/null
  fi
  [ -n "$STAGE_MSG" ] && status=failed
  [ -n "$CANCELLED" ] && status=cancelled
  if [ -n "$STOP_REASON" ]; then
    status=processing # no final status: a retry finishes the commit
    # The marker may be written late, and the metadata server may have been slow to answer the trap.
    if [ "$STOP_REASON" = stopped ] && { [ -f "$J/preempted" ] || preempted_now; }; then STOP_REASON=preempted; fi
    PUBLISH_DEADLINE=$((STOP_AT + MY_SHUTDOWN_GRACE))
    RETRY_UNTIL=$PUBLISH_DEADLINE
  else
    RETRY_UNTIL=$(($(date +%s) + MY_PUBLISH_RETRY))
  fi
  summary="$(stage_files "$WORK/stage" "$status" "$STAGE_MSG" "$STOP_REASON" | tail -n 1)"
  helper caplog "$RUNLOG" "$WORK/stage/$MY_COMMIT_ID/job.log" "$MY_LOG_MAX_BYTES"
  if [ -n "$STOP_REASON" ]; then
    printf 'interrupted %s (%s)\n' "$MY_COMMIT_ID" "$STOP_REASON" >"$msg"
  else
    { printf 'commit %s' "$MY_COMMIT_ID"; [ -n "$MY_NOTES" ] && printf ': %s' "$MY_NOTES"; printf '\n'; } >"$msg"
  fi
  say "publishing to $MY_OUT_URL ($MY_OUT_BRANCH)"
  PUBLISH_ERR="$(fit_for_git "$WORK/stage/$MY_COMMIT_ID")"
  if [ -z "$PUBLISH_ERR" ] && publish_until "$WORK/stage" "$msg"; then
    published=1; say "published $MY_COMMIT_ID"
    drop_progress
  else
    say "could not publish: $PUBLISH_ERR"
    # The only copy of the result: keep it where it survives the work folder.
    rm -rf "$KEPT" && mv "$WORK/stage" "$KEPT" && cp "$msg" "$KEPT/commit-msg" &&
      say "the result is kept in $KEPT; publish it later (MYMLOPS_JOB_MODE=publish)"
  fi
  result="$(helper result "$summary" "$published" "${PUBLISH_ERR:-}" "$J/result.json" "$STOP_REASON")"
  [ "$MY_KEEP_WORKDIR" = 1 ] || rm -rf "$WORK"
  end_with "$result"
}

# ---- publish mode: push a kept result, then drop it
if [ "$MODE" = publish ]; then
  if [ ! -d "$KEPT/$MY_COMMIT_ID" ]; then
    [ -f "$J/result.json" ] || { say "nothing to publish: no kept result in $KEPT and no result.json"; exit 1; }
    say "nothing to publish: no kept result in $KEPT"
    end_with "$(helper unpublished "$J/result.json" "")"
  fi
  FINISHING=1
  RETRY_UNTIL=$(($(date +%s) + MY_PUBLISH_RETRY))
  say "publishing the kept result of $MY_COMMIT_ID to $MY_OUT_URL ($MY_OUT_BRANCH)"
  [ -f "$KEPT/commit-msg" ] || printf 'commit %s\n' "$MY_COMMIT_ID" >"$KEPT/commit-msg"
  PUBLISH_ERR="$(fit_for_git "$KEPT/$MY_COMMIT_ID")"
  if [ -z "$PUBLISH_ERR" ] && publish_until "$KEPT" "$KEPT/commit-msg"; then
    if [ -n "$PUBLISH_SAME" ]; then say "already published $MY_COMMIT_ID"; else say "published $MY_COMMIT_ID"; fi
    drop_progress
    result="$(helper republished "$J/result.json" "$KEPT/$MY_COMMIT_ID/metadata.json")"
    rm -rf "$KEPT" "$WORK"
    end_with "$result"
  fi
  say "could not publish: $PUBLISH_ERR (the result stays in $KEPT)"
  result="$(helper unpublished "$J/result.json" "$PUBLISH_ERR")"
  rm -rf "$WORK"
  end_with "$result"
fi

# ---- 1. fetch the snapshot
repo_git() { GIT_SSH_COMMAND="$SSH_REPO" git "${CRED_REPO[@]}" -C "$REPO" "$@"; }
say "commit $MY_COMMIT_ID: fetching snapshot ${MY_SOURCE_COMMIT:0:12} from $MY_REPO_URL"
rm -rf "$REPO"
# (origin is set so that relative submodule URLs resolve against the repository's URL)
if ! { git -c init.defaultBranch=mymlops init -q "$REPO" && repo_git remote add origin "$MY_REPO_URL" &&
  repo_git fetch -q --no-tags --depth=1 origin "+$MY_REPO_REF:refs/mymlops/snapshot" 2>"$ERRF" &&
  repo_git -c advice.detachedHead=false checkout -q --detach "$MY_SOURCE_COMMIT" 2>>"$ERRF"; }; then
  STAGE_MSG="could not fetch the snapshot from $MY_REPO_URL: $(last_err)"
elif [ -f "$REPO/.gitmodules" ] && ! repo_git submodule update -q --init --recursive 2>"$ERRF"; then
  STAGE_MSG="could not fetch the submodules: $(last_err)"
elif ! helper inject "$J/job.json" "$REPO/$MY_NOTEBOOK" 2>"$ERRF"; then # job.json parameters, papermill-style
  STAGE_MSG="could not inject the parameters: $(tail -n 1 "$ERRF")"
fi
if [ -n "$STAGE_MSG" ] || [ -n "$CANCELLED$STOP_REASON" ]; then
  [ -n "$STAGE_MSG" ] && say "$STAGE_MSG"
  finish
fi

# ---- 2. run the command, its output tee'd into the log
if [ "$MY_PROGRESS_INTERVAL" -gt 0 ]; then progress_loop & PROGRESS_PID=$!; fi
say "running: $MY_COMMAND $MY_NOTEBOOK"
rm -f "$WORK/cmd.fifo" && mkfifo "$WORK/cmd.fifo"
tee -a "$RUNLOG" <"$WORK/cmd.fifo" &
TEE_PID=$!
( cd "$REPO" && runner_env && exec bash -c "$MY_COMMAND \"\$1\"" mymlops "$MY_NOTEBOOK" ) </dev/null >"$WORK/cmd.fifo" 2>&1 &
CMD_PID=$!
# A signal that came while the command was being started found no CMD_PID to stop: stop it now.
if [ -n "$CANCELLED$STOP_REASON" ]; then
  [ -n "$STOP_REASON" ] && ( sleep 3; kill_tree "$CMD_PID" KILL ) &
  kill_tree "$CMD_PID" TERM
fi
WATCHDOG_PID=""
if [ "$MY_MAX_DURATION" -gt 0 ]; then
  ( trap - TERM; sleep "$MY_MAX_DURATION"; touch "$WORK/timed_out"; echo "mymlops: $MY_LIMIT_MSG: stopping the command" | tee -a "$RUNLOG"; kill_tree "$CMD_PID" TERM; sleep 10; kill_tree "$CMD_PID" KILL ) &
  WATCHDOG_PID=$!
fi
while :; do
  wait "$CMD_PID"; EC=$?
  kill -0 "$CMD_PID" 2>/dev/null || break
done
wait "$TEE_PID" 2>/dev/null
[ -n "$WATCHDOG_PID" ] && kill_tree "$WATCHDOG_PID" TERM
say "command exited with code $EC"
finish
