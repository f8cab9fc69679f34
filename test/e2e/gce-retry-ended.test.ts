// `mymlops retry` right after a gce commit ends (built CLI, simulator): the job has published its
// final result while its VM is still up (deleting itself), so retry relaunches it as attempt 2 instead
// of refusing "still running", and deletes the old VM.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { commitRepos, outputFile } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-retry-ended-'));
const { origin, out, repo } = commitRepos(tmp);
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  writeFileSync(join(repo, 'mymlops.yml'), simConfigYaml({ command: 'exit 3', origin, out }));
});
after(async () => {
  await s?.release();
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env: { ...process.env, ...s.env } });
const vms = () => [...s.sim.compute.world.instances.values()];

describe('retry right after a failed gce commit', () => {
  it('relaunches it as attempt 2 while the ended VM is still deleting itself', async () => {
    // The VMs' own deletion waits: the ended VM stays RUNNING while retry looks at it.
    await s.hold('/instances/mymlops-[^/]+$', 'before', 'DELETE');
    const c = await cli(['commit', 'notebooks/quick.ipynb']);
    assert.equal(c.code, 1, c.stderr + c.stdout);
    const id = /commit (\d{8}_\d{6})/.exec(c.stderr)![1]!;
    assert.match(c.stderr.trim().split('\n').at(-1)!, new RegExp(`commit ${id} failed`));
    const first = `mymlops-${id.replace('_', '-')}`;
    assert.equal(vms().find((v) => v.name === first)?.status, 'RUNNING');
    assert.equal(JSON.parse(outputFile(out, `${id}/metadata.json`)).status, 'failed');

    const retry = cli(['retry', id, '--detach']);
    await waitFor(() => vms().some((v) => v.name !== first && v.name.startsWith(first)), {
      what: 'attempt 2 to be launched',
    });
    await s.release();
    const r = await retry;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`commit ${id} attempt 2 running on `));
    assert.doesNotMatch(r.stderr, /still running/);
    await waitFor(() => !vms().some((v) => v.name === first), { what: 'the ended VM to be deleted' });
  });
});
