#!/usr/bin/env python3
"""Execute a Jupyter notebook in place, the way papermill does it.

    python3 run_notebook.py path/to/notebook.ipynb

- runs the cells in order in a fresh python3 kernel, with the notebook's folder as working directory;
- stops at the first error and exits 1 (the error is in the saved notebook);
- saves the notebook after every cell (atomically), so progress can be read while it runs;
- records each code cell's state in cell.metadata.papermill.status
  (pending / running / completed / failed), as papermill does.

Needs nbclient + ipykernel (Debian: apt install python3-nbclient python3-ipykernel).
Use it as mymlops.yml's commit.command: `python3 run_notebook.py` (mymlops appends the path).
"""
import os

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silence debugpy noise in the log
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def save(nb, path):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".ipynb.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, path)


def set_status(cell, status):
    cell.metadata.setdefault("papermill", {})["status"] = status


def main(path):
    nb = nbformat.read(path, as_version=4)
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for _, cell in code:
        cell.outputs = []
        cell.execution_count = None
        set_status(cell, "pending")
    save(nb, path)
    workdir = os.path.dirname(os.path.abspath(path))
    client = NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": workdir}})
    with client.setup_kernel(cwd=workdir):
        for i, cell in code:
            set_status(cell, "running")
            save(nb, path)
            try:
                client.execute_cell(cell, i)
            except CellExecutionError:
                set_status(cell, "failed")
                save(nb, path)
                print("run_notebook: cell %d failed" % i, file=sys.stderr)
                return 1
            set_status(cell, "completed")
            save(nb, path)
            print("run_notebook: cell %d/%d done" % (code.index((i, cell)) + 1, len(code)), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: run_notebook.py NOTEBOOK.ipynb")
    sys.exit(main(sys.argv[1]))
