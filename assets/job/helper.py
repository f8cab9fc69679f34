# The job's python helper (python3 standard library only, 3.6+): all JSON work on the machine for
# assets/job/job.sh, which calls it as `helper.py <command> args...`. The notebook rules here
# (progress, first error, "was it executed") are the python twin of src/core/status/notebook-scan.ts;
# both run against the shared table test/fixtures/notebook-rules/.
import hashlib, json, os, random, shlex, shutil, sys, time
from datetime import datetime, timezone

NOT_EXECUTED = (
    "the command exited 0 but the notebook {path} was not executed: the runner must write the "
    "executed notebook back in place at the path it is given (a Docker container that does not "
    "mount the repository folder writes its result elsewhere) - mount the repository folder into "
    "the container, or make the runner overwrite its input notebook"
)

# nbconvert --execute without --allow-errors writes nothing back when a cell fails.
NBCONVERT_DISCARDS = (
    "; nbconvert discards the notebook's outputs when a cell fails (the traceback is in job.log) - "
    "set commit.command to mymlops-run-notebook to keep them"
)


def command_hint(command):
    c = command or ""
    return NBCONVERT_DISCARDS if "nbconvert" in c and "--allow-errors" not in c else ""


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_nb(path):
    nb = load_json(path)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    return nb


def cells_of(nb):
    return [c if isinstance(c, dict) else {} for c in nb["cells"]]


def meta_of(cell):
    m = cell.get("metadata")
    return m if isinstance(m, dict) else {}


def pm_status(cell):
    pm = meta_of(cell).get("papermill")
    if isinstance(pm, dict) and isinstance(pm.get("status"), str):
        return pm["status"]
    return None


def source_text(cell):
    s = cell.get("source")
    if isinstance(s, str):
        return s
    return "".join(x for x in s if isinstance(x, str)) if isinstance(s, list) else ""


def tagged(cell, tag):
    tags = meta_of(cell).get("tags")
    return isinstance(tags, list) and tag in tags


def runnable_code(nb):
    """Code cells an execution runs: nbclient skips a cell whose source is only whitespace or that
    is tagged skip-execution."""
    return [c for c in cells_of(nb)
            if c.get("cell_type") == "code" and source_text(c).strip() != "" and not tagged(c, "skip-execution")]


def outputs_of(cell):
    o = cell.get("outputs")
    return o if isinstance(o, list) else []


def is_count(v):
    return isinstance(v, int) and not isinstance(v, bool)


def progress(nb):
    code = runnable_code(nb)
    use_pm = any(pm_status(c) is not None for c in code)
    if use_pm:
        done = sum(1 for c in code if pm_status(c) in ("completed", "failed"))
    else:
        done = sum(1 for c in code if is_count(c.get("execution_count")))
    return {"cells_done": done, "cells_total": len(code)}


def first_error(nb):
    """The first error output outside cells tagged raises-exception (nbclient expects those)."""
    for i, c in enumerate(cells_of(nb)):
        if tagged(c, "raises-exception"):
            continue
        for o in outputs_of(c):
            if isinstance(o, dict) and o.get("output_type") == "error":
                ename, evalue = o.get("ename"), o.get("evalue")
                return {"cell": i, "ename": "Error" if ename is None else str(ename),
                        "evalue": "" if evalue is None else str(evalue)}
    return None


def executed(nb):
    code = runnable_code(nb)
    if not code:
        return True
    return any(
        is_count(c.get("execution_count")) or outputs_of(c) or pm_status(c) == "completed"
        for c in code
    )


def write_sorted(path, data, indent=4):
    """JSON with sorted keys, replaced in one rename (a notebook with nbformat's indent of 1)."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=indent, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


# The original tool (and anything reading folders its way) calls a result failed only when a cell
# has an `error` output, as papermill leaves one when a run fails. A result that did not succeed
# (failed, cancelled, stopped by a shutdown) carries one, so that reader never sees it succeeded.
MARK_NAMES = {"cancelled": "MymlopsCancelled", "preempted": "MymlopsPreempted", "stopped": "MymlopsStopped",
              "timeout": "MymlopsTimeout", "not_executed": "MymlopsNotExecuted", "failed": "MymlopsFailed"}


def any_error_output(nb):
    """The original's rule: any error output, in any cell (it knew no raises-exception tag)."""
    return any(isinstance(o, dict) and o.get("output_type") == "error"
               for c in cells_of(nb) for o in outputs_of(c))


def mark_cell(nb):
    """Where the run stopped: the first code cell to run that has not run, else the last one run;
    None when the notebook has no code to run (a cell is then appended)."""
    code = runnable_code(nb)
    for c in code:
        if not (is_count(c.get("execution_count")) or pm_status(c) in ("completed", "failed")):
            return c
    return code[-1] if code else None


def mark_unsuccessful(nb_file, nb, kind, message):
    """Give the staged notebook nb_file an error output naming how the run ended; write a
    notebook holding only that when the run left none (or an unreadable one, kept aside)."""
    if nb is not None and any_error_output(nb):
        return
    text = "mymlops: %s" % message
    out = {"output_type": "error", "ename": MARK_NAMES[kind], "evalue": message, "traceback": [text]}
    if nb is None:
        if os.path.exists(nb_file):
            os.replace(nb_file, nb_file + ".invalid")
        nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cell = mark_cell(nb)
    if cell is None:
        cell = {"cell_type": "code", "execution_count": None,
                "metadata": {"tags": ["mymlops-result"]}, "outputs": [], "source": "# %s" % text}
        if nb.get("nbformat") == 4 and is_count(nb.get("nbformat_minor")) and nb["nbformat_minor"] >= 5:
            cell["id"] = "mymlops-result"  # cell ids exist from nbformat 4.5 on
        nb["cells"].append(cell)
    cell["outputs"] = outputs_of(cell) + [out]
    write_sorted(nb_file, nb, indent=1)


def time_limit(job):
    """(seconds, what stops the job then): max_duration, or max_cost_usd turned into seconds at
    the machine's hourly price when that comes first. 0 seconds = no limit."""
    limit = int(job.get("max_duration") or 0)
    what = "max_duration %ds reached" % limit
    cap, hourly = job.get("max_cost_usd"), (job.get("machine") or {}).get("hourly_usd")
    if isinstance(cap, (int, float)) and isinstance(hourly, (int, float)) and cap > 0 and hourly > 0:
        secs = max(1, int(cap * 3600.0 / hourly))
        if limit == 0 or secs < limit:
            limit, what = secs, "cost cap $%s reached after %ds" % (cap, secs)
    return limit, what


def cmd_env(job_path):
    """Shell assignments (MY_*) for the job script, every value quoted."""
    job = load_json(job_path)
    if not isinstance(job, dict):
        print("echo 'mymlops: job.json is missing or not JSON' >&2; exit 1")
        return
    repo = job.get("repository") or {}
    out = job.get("output_repository") or {}
    git_user = job.get("git_user") or {}
    store = job.get("artifact_store") or {}
    values = {
        "MY_COMMIT_ID": job.get("commit_id"),
        "MY_COMMAND": job.get("command"),
        "MY_NOTEBOOK": job.get("notebook"),
        "MY_REPO_URL": repo.get("url"),
        "MY_REPO_REF": repo.get("ref"),
        "MY_SOURCE_COMMIT": repo.get("sha"),
        "MY_OUT_URL": out.get("url"),
        "MY_OUT_BRANCH": out.get("branch"),
        "MY_ARTIFACTS": "1" if job.get("artifacts") else "0",
        "MY_NOTES": job.get("notes") or "",
        "MY_PROGRESS_INTERVAL": int(job.get("progress_interval") or 0),
        "MY_MAX_DURATION": time_limit(job)[0],
        "MY_LIMIT_MSG": time_limit(job)[1],
        "MY_LOG_MAX_BYTES": int(job.get("log_max_bytes") or 5242880),
        "MY_KEEP_WORKDIR": "1" if job.get("keep_workdir") else "0",
        "MY_SSH_OPTS": " ".join(shlex.quote(o) for o in (job.get("ssh_options") or [])),
        "MY_GIT_NAME": git_user.get("name") or "mymlops",
        "MY_GIT_EMAIL": git_user.get("email") or "mymlops@localhost",
        "MY_STARTED": now_iso(),
        "MY_BACKEND": (job.get("machine") or {}).get("backend") or "",
        # Tests shorten these through the environment; job.json carries the planned values.
        "MY_SHUTDOWN_GRACE": int(os.environ.get("MYMLOPS_SHUTDOWN_GRACE") or job.get("shutdown_grace") or 20),
        "MY_PUBLISH_RETRY": int(os.environ.get("MYMLOPS_PUBLISH_RETRY") or job.get("publish_retry") or 300),
        # GitHub refuses files over 100 MiB; a test sets a small limit (its server's hook refuses the same).
        "MY_GIT_MAX_FILE_BYTES": int(float(os.environ.get("MYMLOPS_GIT_MAX_FILE_MB") or 100) * 1048576),
        # Publish mode takes the store configured now (`mymlops publish` after adding one).
        "MY_STORE_URL": os.environ.get("MYMLOPS_ARTIFACT_STORE") or store.get("url") or "",
        "MY_STORE_MIN_BYTES": int(float(os.environ.get("MYMLOPS_ARTIFACT_STORE_MIN_MB") or store.get("min_mb") or 45)
                                  * 1048576),
    }
    for k, v in values.items():
        print("%s=%s" % (k, shlex.quote("" if v is None else str(v))))


def cmd_progress(nb_path):
    nb = load_nb(nb_path)
    if nb is None:
        return 1
    p = progress(nb)
    print("%d/%d" % (p["cells_done"], p["cells_total"]))
    return 0


def cmd_metadata(job_path, nb_path, out_path, status, exit_code, started, message, timed_out, interrupted=""):
    """Write metadata.json; print a one-line JSON summary. status: processing|auto|failed|cancelled.
    interrupted (preempted|stopped): a shutdown stopped the run; status stays processing."""
    job = load_json(job_path) or {}
    nb = load_nb(nb_path) if nb_path else None
    nb_file = nb_path or (os.path.join(os.path.dirname(out_path), os.path.basename(str(job.get("notebook") or "notebook.ipynb")))
                          if out_path else "")
    kind = None
    meta = dict(job.get("metadata") or {})
    machine = job.get("machine") or {}
    for k in ("backend", "instance", "zone", "machine_type"):
        if k in machine:
            meta[k] = machine[k]
    ec = None if exit_code in ("", None) else int(exit_code)
    error = first_error(nb) if nb is not None else None
    msg = message or None
    if status == "auto":
        if nb is None:
            status = "failed"
            msg = msg or ("the notebook %s is missing or not valid JSON after the command ran" % job.get("notebook"))
        elif timed_out == "1":
            status, kind = "failed", "timeout"
            limit, what = time_limit(job)
            msg = msg or (what if what.startswith("cost cap") else "stopped after max_duration (%ss)" % limit)
        elif ec not in (0, None):
            status = "failed"
            msg = msg or ("the command exited with code %d" % ec + command_hint(job.get("command")))
        elif error is not None:
            status = "failed"
            msg = msg or "the notebook has an error output"
        elif not executed(nb):
            status, kind = "failed", "not_executed"
            msg = NOT_EXECUTED.format(path=job.get("notebook"))
        else:
            status = "succeeded"
    if status == "cancelled" and not msg:
        msg = "cancelled while the command was running"
    finished = None if status == "processing" else now_iso()
    duration = None
    if started:
        end = parse_iso(finished) if finished else datetime.now(timezone.utc)
        duration = max(0, int(round((end - parse_iso(started)).total_seconds())))
    hourly = machine.get("hourly_usd")
    cost = None
    if isinstance(hourly, (int, float)) and duration is not None:
        cost = {"hourly_usd": hourly, "amount_usd": round(hourly * duration / 3600.0, 4), "estimate": True}
    meta.update({
        "status": status,
        "started_at": started or None,
        "finished_at": finished,
        "duration_seconds": duration,
        "exit_code": ec,
        "progress": progress(nb) if nb is not None else {"cells_done": 0, "cells_total": 0},
        "error": error,
        "message": msg,
        "cost": cost,
    })
    if interrupted:
        meta["interrupted"] = interrupted
    if out_path:
        write_sorted(out_path, meta)
        if interrupted:
            mark_unsuccessful(nb_file, nb, interrupted if interrupted in MARK_NAMES else "stopped",
                              STOPPED.get(interrupted, STOPPED["stopped"]))
        elif status in ("failed", "cancelled"):
            mark_unsuccessful(nb_file, nb, kind or status, msg or status)
    # duration, cost, machine type and zone give the follower its last line.
    print(json.dumps({"status": status, "exit_code": ec, "error": error, "message": msg,
                      "progress": meta["progress"], "duration_seconds": duration, "cost": cost,
                      "machine_type": meta.get("machine_type"), "zone": meta.get("zone")}, sort_keys=True))
    return 0


STOPPED = {
    "preempted": "the machine was preempted: the partly executed notebook was pushed; retry to finish it",
    "stopped": "the machine was shut down: the partly executed notebook was pushed; retry to finish it",
}


def cmd_result(summary_json, published, publish_error, out_path, stop_reason=""):
    """Write result.json (the job's own record of how it ended) and print it on one line.
    Not published: status failed, final_status = what the kept metadata.json says.
    Stopped by a shutdown (stop_reason): status stopped with that reason."""
    try:
        res = json.loads(summary_json)
    except ValueError:
        res = {"status": "failed", "exit_code": None, "error": None, "message": "internal: no summary"}
    res["published"] = published == "1"
    if stop_reason:
        res["status"] = "stopped"
        res["reason"] = stop_reason
        res["message"] = STOPPED.get(stop_reason, STOPPED["stopped"])
    if publish_error:
        res["final_status"] = res.get("final_status") or res["status"]
        res["publish_error"] = publish_error
        if res["status"] != "stopped":
            res["status"] = "failed"
        res["message"] = publish_error if not res.get("message") else res["message"] + "; " + publish_error
    res["finished_at"] = now_iso()
    write_sorted(out_path, res)
    print(json.dumps(res, sort_keys=True))
    return 0


def cmd_unpublished(result_path, publish_error):
    """Publish mode failed again (or had nothing to do): record the newest reason, print result.json."""
    res = load_json(result_path) or {"status": "failed", "published": False, "message": None}
    if publish_error:
        res["publish_error"] = publish_error
        res["message"] = publish_error
        write_sorted(result_path, res)
    print(json.dumps(res, sort_keys=True))
    return 0


def cmd_republished(result_path, meta_path):
    """Publish mode succeeded: result.json takes the published folder's status."""
    res = load_json(result_path) or {}
    meta = load_json(meta_path) or {}
    status = res.get("final_status") or meta.get("status") or res.get("status") or "failed"
    if res.get("status") != "stopped":
        res["status"] = status
        res["message"] = meta.get("message")
    res["published"] = True
    res["published_at"] = now_iso()
    for k in ("publish_error", "final_status"):
        res.pop(k, None)
    write_sorted(result_path, res)
    print(json.dumps(res, sort_keys=True))
    return 0


def cmd_history(meta_path, prev_path):
    """Fold the metadata.json of an earlier attempt (prev_path, from the output branch) into
    meta_path's `attempts`, oldest first. Idempotent; the same attempt's own push changes nothing."""
    meta, prev = load_json(meta_path), load_json(prev_path)
    if not isinstance(meta, dict) or not isinstance(prev, dict):
        return 0
    # Exit 3: the folder holds another snapshot's result (another commit under the same id).
    theirs_src, mine_src = prev.get("source_commit"), meta.get("source_commit")
    if theirs_src and mine_src and theirs_src != mine_src:
        return 3
    mine = meta.get("attempt") if is_count(meta.get("attempt")) else 1
    theirs = prev.get("attempt") if is_count(prev.get("attempt")) else 1
    hist = {}
    for src in (prev.get("attempts"), meta.get("attempts")):
        for a in src if isinstance(src, list) else []:
            if isinstance(a, dict) and is_count(a.get("attempt")):
                hist.setdefault(a["attempt"], a)
    if theirs < mine:
        hist[theirs] = {"attempt": theirs, "status": "stopped" if prev.get("interrupted") else (prev.get("status") or "succeeded"),
                        "started_at": prev.get("started_at"), "finished_at": prev.get("finished_at")}
    hist = [hist[k] for k in sorted(hist) if k < mine]
    if hist and hist != meta.get("attempts"):
        meta["attempts"] = hist
        write_sorted(meta_path, meta)
    return 0


def cmd_caplog(src, dst, max_bytes):
    """Copy src to dst keeping at most max_bytes: the head and the tail, with a marker between."""
    max_bytes = int(max_bytes)
    try:
        with open(src, "rb") as f:
            data = f.read()
    except OSError:
        data = b""
    if len(data) > max_bytes:
        marker = b"\n[mymlops: %d bytes of log omitted]\n" % (len(data) - max_bytes)
        half = max(0, (max_bytes - len(marker)) // 2)
        data = data[:half] + marker + data[len(data) - half:]
    with open(dst, "wb") as f:
        f.write(data)
    return 0


def cmd_backoff(attempt):
    """Seconds to sleep before retry number attempt: exponential, capped, jittered."""
    base = min(8.0, 0.2 * (2 ** (int(attempt) - 1)))
    print("%.2f" % (base * random.uniform(0.5, 1.5)))
    return 0


def cmd_toobig(folder, max_bytes):
    """One line when a file under folder is larger than a git host accepts (the largest such file):
    pushing it would only be refused, so the result is kept instead; nothing when all fit."""
    limit, worst = int(max_bytes), None
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            size = os.path.getsize(path)
            if size > limit and (worst is None or size > worst[1]):
                worst = (os.path.relpath(path, folder), size)
    if worst:
        mb = lambda n: ("%.1f" % (n / 1048576.0)).rstrip("0").rstrip(".")
        print("%s is %s MB; a git host accepts files up to %s MB: set commit.artifact_store "
              "or leave it out of artifacts/" % (worst[0], mb(worst[1]), mb(limit)))
    return 0


MANIFEST = "stored-artifacts.json"


def store_folder(url):
    """The local folder of a file:// store; None for any other kind."""
    if not url.startswith("file:///"):
        return None
    from urllib.parse import unquote
    return unquote(url[len("file://"):])


def file_sha256(path):
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1048576), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def gcs_upload(url, obj_name, path):
    """Uploads path to gs://bucket/prefix/obj_name with the VM's own service account (a token from
    the metadata server); the Cloud Storage JSON API's base honours
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE as gcloud does. Raises OSError with Google's message."""
    from urllib.error import HTTPError, URLError
    from urllib.parse import quote
    from urllib.request import Request, urlopen
    bucket, _, prefix = url[len("gs://"):].partition("/")
    name = (prefix.strip("/") + "/" if prefix.strip("/") else "") + obj_name
    host = os.environ.get("GCE_METADATA_HOST") or "metadata.google.internal"
    base = os.environ.get("CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE") or "https://storage.googleapis.com/storage/v1/"
    upload = base.replace("/storage/v1/", "/upload/storage/v1/", 1)
    last = None
    for attempt in range(3):
        if attempt:
            time.sleep(1 + attempt)
        try:
            tok = json.load(urlopen(Request("http://%s/computeMetadata/v1/instance/service-accounts/default/token" % host,
                                            headers={"Metadata-Flavor": "Google"}), timeout=20))["access_token"]
            size = os.path.getsize(path)
            with open(path, "rb") as f:
                req = Request("%sb/%s/o?uploadType=media&name=%s" % (upload, quote(bucket, safe=""), quote(name, safe="")),
                              data=f, method="POST",
                              headers={"Authorization": "Bearer " + tok, "Content-Type": "application/octet-stream",
                                       "Content-Length": str(size)})
                got = json.load(urlopen(req, timeout=600))
            if str(got.get("size")) != str(size):
                raise OSError("the store kept %s of %d bytes" % (got.get("size"), size))
            return
        except HTTPError as e:
            try:
                msg = json.loads(e.read().decode("utf-8", "replace"))["error"]["message"]
            except (ValueError, KeyError, TypeError):
                msg = e.reason
            last = OSError("HTTP %d: %s" % (e.code, msg))
            if e.code < 500 and e.code != 429:
                raise last
        except (URLError, OSError, ValueError, KeyError) as e:
            last = OSError(str(getattr(e, "reason", None) or e))
    raise last


def cmd_offload(folder, url, min_bytes, commit_id):
    """Moves files under <folder>/artifacts/ larger than min_bytes to the store as
    <url>/<commit_id>/artifacts/<path> and lists them (name, size, sha256, location) in
    <folder>/stored-artifacts.json. Safe to run again (a kept result published later). Prints one
    line and exits 1 when the store cannot take them: the result is kept, nothing is lost."""
    limit, root = int(min_bytes), store_folder(url)
    art = os.path.join(folder, "artifacts")
    big = []
    for d, _dirs, files in os.walk(art):
        for name in sorted(files):
            p = os.path.join(d, name)
            if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) > limit:
                big.append(p)
    if not big:
        return 0
    if root is None and not url.startswith("gs://"):
        print("the artifact store %s is neither a file:// folder nor a gs:// bucket" % url)
        return 1
    mpath = os.path.join(folder, MANIFEST)
    manifest = load_json(mpath) or {}
    entries = {e.get("name"): e for e in manifest.get("artifacts") or [] if isinstance(e, dict)}
    for p in sorted(big):
        name = os.path.relpath(p, folder).replace(os.sep, "/")
        h, size = hashlib.sha256(), 0
        try:
            if root is None:
                digest, size = file_sha256(p)
                gcs_upload(url, "%s/%s" % (commit_id, name), p)
            else:
                dest = os.path.join(root, commit_id, name)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                tmp = dest + ".part-%d" % os.getpid()
                with open(p, "rb") as src, open(tmp, "wb") as dst:
                    for chunk in iter(lambda: src.read(1048576), b""):
                        h.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
                os.replace(tmp, dest)
                digest = h.hexdigest()
        except OSError as e:
            print("could not write %s to the artifact store %s: %s" % (name, url, e.strerror or e))
            return 1
        entries[name] = {"name": name, "size": size, "sha256": digest,
                         "location": "%s/%s/%s" % (url, commit_id, name)}
        with open(mpath + ".tmp", "w", encoding="utf-8") as f:
            json.dump({"version": 1, "artifacts": [entries[k] for k in sorted(entries)]}, f, indent=1)
            f.write("\n")
        os.replace(mpath + ".tmp", mpath)
        os.remove(p)
    return 0


def cmd_inject(job_path, nb_path):
    """papermill's placement of the job's parameters cell: it replaces a cell tagged
    injected-parameters, else follows the first cell tagged parameters, else comes first."""
    params = (load_json(job_path) or {}).get("parameters")
    if not isinstance(params, dict) or not isinstance(params.get("cell"), str):
        return 0
    nb = load_nb(nb_path)
    if nb is None:
        print("the notebook %s is missing or not valid JSON" % nb_path, file=sys.stderr)
        return 1

    def tagged(tag):
        for i, c in enumerate(cells_of(nb)):
            tags = meta_of(c).get("tags")
            if isinstance(tags, list) and tag in tags:
                return i
        return -1

    cell = {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["injected-parameters"]},
            "outputs": [], "source": params["cell"].splitlines(True)}
    if (nb.get("nbformat"), nb.get("nbformat_minor") or 0) >= (4, 5):
        cell["id"] = "%08x" % random.getrandbits(32)
    injected, declared = tagged("injected-parameters"), tagged("parameters")
    if injected >= 0:
        nb["cells"][injected] = cell
    else:
        nb["cells"].insert(declared + 1 if declared >= 0 else 0, cell)
    tmp = nb_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, nb_path)
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    fn = {"env": cmd_env, "progress": cmd_progress, "metadata": cmd_metadata, "result": cmd_result,
          "caplog": cmd_caplog, "unpublished": cmd_unpublished, "history": cmd_history,
          "republished": cmd_republished, "backoff": cmd_backoff, "inject": cmd_inject, "toobig": cmd_toobig,
          "offload": cmd_offload,
          "now": lambda: print(now_iso())}[cmd]
    return fn(*args) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
