"""The oracle of the nbclient table test: how nbclient itself ends a notebook.

    python3 nbclient-oracle.py TIMEOUT NOTEBOOK...   (prints one JSON object: file name -> outcome)

Each notebook is executed by nbclient's NotebookClient (stop at the first error, TIMEOUT seconds per
cell, the notebook's kernel) in the notebook's folder. The outcome:
- status: succeeded, or failed when nbclient raised;
- progress: the cells nbclient executed (its on_cell_execute hook) / the cells it would execute in a
  full run (nbclient's own test in execute_cell: a code cell with source after strip(), not tagged
  with skip_cells_with_tag);
- error: the cell nbclient was executing when it raised, with the exception's ename/evalue
  (CellExecutionError carries the kernel's; another exception - a timeout, a dead kernel - is named
  by its class and its message's first line), and that cell's source.
"""
import json
import os
import sys

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402


def outcome(path, timeout):
    nb = nbformat.read(path, as_version=4)
    executed = []
    client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": os.path.dirname(path)}},
                            on_cell_execute=lambda cell, cell_index: executed.append(cell_index))
    would_run = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()
                 and client.skip_cells_with_tag not in c.metadata.get("tags", [])]
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = {"ename": e.ename, "evalue": e.evalue}
    except Exception as e:  # noqa: BLE001 - any way nbclient stops is the outcome
        lines = str(e).splitlines()
        error = {"ename": type(e).__name__, "evalue": lines[0] if lines else ""}
    if error is not None:
        error["cell"] = executed[-1]
        error["source"] = nb.cells[executed[-1]].source
    return {
        "status": "failed" if error else "succeeded",
        "progress": {"cells_done": len(executed), "cells_total": len(would_run)},
        "error": error,
    }


if __name__ == "__main__":
    timeout = int(sys.argv[1])
    print(json.dumps({os.path.basename(p): outcome(p, timeout) for p in sys.argv[2:]}))
