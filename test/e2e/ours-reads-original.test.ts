// mymlops reads an output repository the original tool wrote as the original read it (built CLI):
// a folder with a notebook is a result, failed iff a cell has an error output; a folder with only
// metadata.json is not a result; the notebook is the `*.ipynb` in the folder, whatever name
// metadata.json gives. The oracle is the original's rule over the same branch.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { originalDashboard } from '../helpers/original-rule.js';
import { TestOutputRepo } from '../helpers/output-repo.js';

let repo: TestOutputRepo;
let dir: string;
let env: NodeJS.ProcessEnv;

before(() => {
  repo = new TestOutputRepo('master');
  repo.addFixture('output-original');
  repo.addFixture('output-original-odd');
  dir = mkdtempSync(join(tmpdir(), 'mymlops-e2e-ours-reads-'));
  writeFileSync(
    join(dir, 'mymlops.yml'),
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${join(dir, 'repo.git')}\n  output_repository:\n    url: ${repo.bare}\n`,
  );
  env = { MYMLOPS_HOME: join(dir, 'home') };
});
after(() => {
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test("status lists exactly the original's results, with its verdicts and the notebooks in the folders", () => {
  const r = runCli(['status', '--json'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout).commits as {
    id: string;
    status: string;
    notebook: string;
    output_path: string;
  }[];
  const original = originalDashboard(repo.bare);
  assert.deepEqual(
    Object.fromEntries(rows.map((c) => [c.id, c.status === 'succeeded' ? 'S' : 'F'])),
    original,
  );
  assert.ok(!rows.some((c) => c.id === '20241110_080000'), 'a folder with only metadata.json is no result');
  const renamed = rows.find((c) => c.id === '20241111_090000')!;
  assert.equal(renamed.notebook, 'exp004-final.ipynb');
  assert.equal(renamed.output_path, '20241111_090000/exp004-final.ipynb');
  const show = runCli(['show', '20241111_090000'], { cwd: dir, env });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /exp004-final\.ipynb/);
  assert.doesNotMatch(show.stdout, /exp004\.ipynb/);
});
