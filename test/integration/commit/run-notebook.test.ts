// The shipped notebook runner (assets/job/run_notebook.py) run as it is, with a real kernel: it saves
// after every cell with the running cell marked (what the job's progress pushes read), keeps what
// it has when stopped, and stops at the job's deadline with the cell's error and the marker.
// (nbclient's own outcomes, tags and the per-cell timeout: test/e2e/nbclient-table.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JOB_HELPER_ASSET, JOB_RUNNER_ASSET } from '../../../src/adapters/assets.js';
import { waitFor } from '../../helpers/wait.js';

const PY = '/usr/bin/python3';
const canRun = spawnSync(PY, ['-c', 'import nbclient, ipykernel'], { stdio: 'ignore' }).status === 0;

interface Cell {
  cell_type: string;
  execution_count?: number | null;
  metadata: { tags?: string[]; papermill?: { status: string } };
  outputs?: { output_type: string; ename?: string; evalue?: string }[];
}

describe('run_notebook.py', { skip: !canRun && 'python3-nbclient/ipykernel not installed' }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-runner-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** A notebook whose second code cell waits until the file `go` exists. */
  function notebook(name: string): { path: string; go: string } {
    const path = join(tmp, name);
    const go = join(tmp, `${name}.go`);
    const code = (source: string) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    });
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      cells: [
        { cell_type: 'markdown', id: 'm', metadata: {}, source: '# t' },
        { ...code('x = 1'), id: 'a' },
        {
          ...code(`import os, time\nwhile not os.path.exists(${JSON.stringify(go)}): time.sleep(0.05)`),
          id: 'b',
        },
        { ...code('y = 2'), id: 'c' },
      ],
    };
    writeFileSync(path, JSON.stringify(nb));
    return { path, go };
  }
  const read = (path: string): Cell[] => (JSON.parse(readFileSync(path, 'utf8')) as { cells: Cell[] }).cells;
  const status = (c: Cell | undefined) => c?.metadata.papermill?.status;
  const progress = (path: string) =>
    execFileSync(PY, [JOB_HELPER_ASSET, 'progress', path], { encoding: 'utf8' }).trim();

  function start(path: string, env: NodeJS.ProcessEnv = {}) {
    const child = spawn(PY, [JOB_RUNNER_ASSET, path], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exit = new Promise<number | null>((resolve) =>
      child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))),
    );
    return { child, exit };
  }

  it('saves after every cell, the running cell marked; the job reads the progress from the file', async () => {
    const { path, go } = notebook('live.ipynb');
    const { exit } = start(path);
    await waitFor(() => status(read(path)[2]) === 'running', {
      timeoutMs: 60_000,
      what: 'cell 2 marked running',
    });
    const cells = read(path);
    assert.equal(status(cells[1]), 'completed');
    assert.equal(cells[1]!.execution_count, 1);
    assert.equal(status(cells[3]), 'pending');
    assert.equal(progress(path), '1/3');
    writeFileSync(go, '');
    assert.equal(await exit, 0);
    const done = read(path);
    assert.deepEqual(done.map(status), [undefined, 'completed', 'completed', 'completed']);
    assert.equal(progress(path), '3/3');
    assert.equal(done[0]!.cell_type, 'markdown', 'no marker cell on success');
    assert.equal(done[0]!.metadata.tags, undefined);
  });

  it('SIGTERM: the notebook is saved as far as it got, exit 143', async () => {
    const { path } = notebook('term.ipynb');
    const { child, exit } = start(path);
    await waitFor(() => status(read(path)[2]) === 'running', {
      timeoutMs: 60_000,
      what: 'cell 2 marked running',
    });
    child.kill('SIGTERM');
    assert.equal(await exit, 143);
    const cells = read(path);
    assert.equal(status(cells[1]), 'completed');
    assert.equal(status(cells[2]), 'running');
    assert.ok(!existsSync(`${path}.tmp`));
  });

  it("stops at the job's deadline (MYMLOPS_DEADLINE) with the cell's error and the marker, exit 1", async () => {
    const { path } = notebook('deadline.ipynb');
    const { exit } = start(path, { MYMLOPS_DEADLINE: String(Math.floor(Date.now() / 1000) + 8) });
    assert.equal(await exit, 1);
    const cells = read(path);
    assert.deepEqual(cells[0]!.metadata.tags, ['papermill-error-cell-tag']);
    const failed = cells[3]!;
    assert.equal(status(failed), 'failed');
    assert.equal(failed.outputs![0]!.ename, 'TimeoutError');
    assert.match(failed.outputs![0]!.evalue!, /time limit \(max_duration or the cost cap\)/);
    assert.equal(status(cells[4]), 'pending');
  });

  it('refuses what is not a notebook with exit 2 and one line', () => {
    const bad = join(tmp, 'bad.ipynb');
    writeFileSync(bad, '{"cells": [');
    const r = spawnSync(PY, [JOB_RUNNER_ASSET, bad], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^mymlops-run-notebook: cannot run .*bad\.ipynb: /);
  });
});
