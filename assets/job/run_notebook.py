#!/usr/bin/env python3
"""mymlops' notebook runner: execute a notebook in place on nbclient, with papermill's semantics.

    run_notebook.py [--timeout SECONDS] [--kernel NAME] NOTEBOOK.ipynb

The job carries this file (like helper.py) and offers it to `commit.command` as
`mymlops-run-notebook`, so a machine needs only nbclient and a kernel (Debian: python3-nbclient
python3-ipykernel). What it does, as papermill does it:
- reads the notebook (an nbformat 3 one is upgraded, as nbformat reads it), clears every code cell's
  outputs and count and marks each `metadata.papermill.status` pending;
- runs the cells in order in the notebook's kernel, in the notebook's folder, with nbclient's rules:
  whitespace-only cells and cells tagged `skip-execution` are not run, an error in a cell tagged
  `raises-exception` is expected and execution goes on;
- saves the notebook (atomically) when a cell starts (marked `running`) and when it ends
  (`completed` / `failed`), and every 30 s while a cell writes output, so progress can be read
  from the file while it runs;
- stops at the first error: the cell keeps its traceback, a marker cell at the top says where it
  stopped, the notebook is saved and the exit code is 1. A cell over the time limit (--timeout per
  cell, or the job's deadline MYMLOPS_DEADLINE in epoch seconds, set from max_duration) or a kernel
  that dies gets an error output naming nbclient's exception the same way;
- SIGTERM / SIGINT: the notebook is saved as far as it got (the running cell keeps its outputs so
  far), exit 143 / 130.
"""
import argparse
import math
import os
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # the kernel's debugger noise in the log

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
except ImportError as e:  # the one thing the machine must provide
    sys.exit(
        "mymlops-run-notebook: %s - install nbclient and a kernel on the machine "
        "(Debian: apt install python3-nbclient python3-ipykernel; or pip install nbclient ipykernel)" % e
    )

MARKER_TAG = "papermill-error-cell-tag"  # papermill's tag: either tool drops the other's marker
AUTOSAVE_SECONDS = 30.0
DEADLINE_MARGIN = 2.0  # stop before the job's own watchdog stops the whole command


class Stopped(BaseException):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def save(nb, path):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".ipynb.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def pm(cell):
    return cell.metadata.setdefault("papermill", {})


def prepare(nb):
    """papermill's start state: no earlier marker, every code cell cleared and pending."""
    nb.cells = [c for c in nb.cells if MARKER_TAG not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        cell.metadata["papermill"] = {
            "exception": None, "start_time": None, "end_time": None, "duration": None, "status": "pending",
        }


def start(cell):
    p = pm(cell)
    p.update({"start_time": now_iso(), "status": "running", "exception": False})
    return time.time()


def finish(cell, began, failed):
    p = pm(cell)
    p.update({"end_time": now_iso(), "duration": round(time.time() - began, 6),
              "status": "failed" if failed else "completed", "exception": bool(failed)})


def marker_cell(nb, index):
    """The visible note at the top, as papermill writes one: where execution stopped and why."""
    cell = nb.cells[index]
    err = next((o for o in cell.outputs if o.get("output_type") == "error"), {})
    count = cell.get("execution_count")
    text = (
        '<span style="color:red; font-size:1.5em;">Execution stopped with an exception at '
        "cell In [%s]: %s: %s</span>" % (
            count if count is not None else " ", err.get("ename", "Error"),
            (err.get("evalue") or "").replace("<", "&lt;"))
    )
    new = nbformat.v4.new_markdown_cell(text, metadata={"tags": [MARKER_TAG]})
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        new.pop("id", None)
    return new


def exception_output(exc):
    """An exception nbclient raised instead of a cell error (a timeout, a dead kernel) as the cell's
    error output: its class name and the first line of its message."""
    lines = str(exc).splitlines()
    return nbformat.v4.new_output(
        "error", ename=type(exc).__name__, evalue=lines[0] if lines else "", traceback=lines)


class Runner(NotebookClient):
    """nbclient, saving the notebook every AUTOSAVE_SECONDS while a cell produces output."""

    def __init__(self, nb, path, **kw):
        super().__init__(nb, **kw)
        self._path = path
        self._saved = time.time()

    def process_message(self, msg, cell, cell_index):
        out = super().process_message(msg, cell, cell_index)
        if time.time() - self._saved >= AUTOSAVE_SECONDS:
            self.save()
        return out

    def save(self):
        save(self.nb, self._path)
        self._saved = time.time()


def cell_timeout(per_cell, deadline):
    """nbclient's timeout_func: the per-cell limit or the time left, whichever is shorter. Rounded
    up, so a cell stopped by the deadline is stopped at or after it (run() tells the two apart)."""
    def timeout(_cell):
        limits = [t for t in (per_cell, None if deadline is None else deadline - time.time()) if t is not None]
        return max(1, int(math.ceil(min(limits)))) if limits else None
    return timeout


def run(path, per_cell, kernel, deadline):
    nb = nbformat.read(path, as_version=4)
    prepare(nb)
    save(nb, path)
    workdir = os.path.dirname(os.path.abspath(path))
    client = Runner(nb, path, timeout_func=cell_timeout(per_cell, deadline),
                    kernel_name=kernel or "", resources={"metadata": {"path": workdir}})
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    failed, kept = None, None
    with client.setup_kernel(cwd=workdir):
        try:
            info = client.wait_for_reply(client.kc.kernel_info())
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            for n, i in enumerate(code, 1):
                cell = nb.cells[i]
                began = start(cell)
                client.save()
                try:
                    client.execute_cell(cell, i, execution_count=client.code_cells_executed + 1)
                except CellExecutionError:
                    failed = i
                except Stopped:
                    raise
                except Exception as e:  # a timeout, a dead kernel: nbclient stops there too
                    if deadline is not None and time.time() >= deadline:
                        e = TimeoutError("the job's time limit (max_duration or the cost cap) was reached "
                                         "while this cell ran")
                    cell.outputs.append(exception_output(e))
                    failed = i
                finish(cell, began, failed is not None)
                if failed is not None:
                    # What the kernel prints while it is shut down (a KeyboardInterrupt) is not the cell's.
                    kept = list(cell.outputs)
                    print("mymlops-run-notebook: cell In [%s] failed (code cell %d/%d)"
                          % (cell.get("execution_count") or " ", n, len(code)), file=sys.stderr, flush=True)
                    break
                client.save()
                print("mymlops-run-notebook: code cell %d/%d done" % (n, len(code)), flush=True)
            client.set_widgets_metadata()
        except Stopped:
            client.save()
            raise
    if failed is not None:
        nb.cells[failed].outputs = kept
        nb.cells.insert(0, marker_cell(nb, failed))
    save(nb, path)
    return 1 if failed is not None else 0


def main(argv):
    ap = argparse.ArgumentParser(prog="mymlops-run-notebook", description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=None, help="seconds one cell may run (default: no limit)")
    ap.add_argument("--kernel", default=None, help="kernel name (default: the notebook's kernelspec)")
    ap.add_argument("notebook")
    args = ap.parse_args(argv)
    deadline = os.environ.get("MYMLOPS_DEADLINE")
    deadline = float(deadline) - DEADLINE_MARGIN if deadline else None

    def stop(signum, _frame):
        raise Stopped(signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return run(args.notebook, args.timeout, args.kernel, deadline)
    except Stopped as s:
        print("mymlops-run-notebook: stopped by signal %d; the notebook is saved as far as it got" % s.signum,
              file=sys.stderr, flush=True)
        return 128 + s.signum
    except (OSError, ValueError) as e:  # not there, not JSON, not a notebook
        print("mymlops-run-notebook: cannot run %s: %s" % (args.notebook, e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
