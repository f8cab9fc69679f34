// What `mymlops commit` says while it waits (built CLI, local backend, progress pushed every
// second): piped, plain lines without the job's result line or repeated progress, ending with the
// duration; on a terminal (tmux), one updating status line under the log, then the last line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binDir, runCli } from '../helpers/cli.js';
import { bareRepo, FAKE_COMMAND, git, userRepo, writeConfig } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-terminal-'));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const tmuxSock = join(tmp, 'tmux.sock');
const env = { MYMLOPS_HOME: home };
const NOTEBOOK = 'notebooks/steps.ipynb';
const tmux = (...a: string[]) => spawnSync('tmux', ['-S', tmuxSock, ...a], { encoding: 'utf8' });

after(() => {
  tmux('kill-server');
  rmSync(tmp, { recursive: true, force: true });
});

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  // Two cells of 4 s (fake_run sleeps on `sleep(N)`): several progress pushes per count.
  const cell = (source: string) => ({
    cell_type: 'code',
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  });
  const nb = {
    cells: [cell('time.sleep(4)'), cell('time.sleep(4)'), cell('x = 1')],
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(repo, NOTEBOOK), JSON.stringify(nb));
  writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out, progressInterval: 1 });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'steps');
});

const progressLines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('mymlops: progress pushed'));

describe('the terminal while a commit runs', () => {
  it('piped: no result line, each progress count once, the last line gives the duration', () => {
    const r = runCli(['commit', NOTEBOOK], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
    // job.log keeps everything: the result line, and progress lines that repeat.
    const jobLog = readFileSync(join(home, 'jobs', id, 'job.log'), 'utf8');
    assert.match(jobLog, /^mymlops: result \{/m);
    const logged = progressLines(jobLog);
    assert.ok(new Set(logged).size < logged.length, `job.log repeats a progress line:\n${jobLog}`);
    // The user's view does not.
    assert.doesNotMatch(r.stdout, /mymlops: result \{/);
    const shown = progressLines(r.stdout);
    assert.ok(shown.length > 0, r.stdout);
    assert.deepEqual(shown, [...new Set(shown)]);
    assert.match(r.stdout, /mymlops: job finished status=succeeded\n$/);
    const last = r.stderr.trim().split('\n').pop()!;
    assert.match(last, new RegExp(`^mymlops: commit ${id} succeeded in \\d+s$`));
  });

  it('on a terminal: one status line with the phase, the time and the usual duration, then the last line', async () => {
    const path = `${binDir(tmp)}:${process.env['PATH']}`;
    const sh = tmux(
      'new-session',
      '-d',
      '-x',
      '160',
      '-y',
      '40',
      `env MYMLOPS_HOME=${home} PATH=${path} bash --norc -c 'cd ${repo} && mymlops commit ${NOTEBOOK}; echo "commit exited $?"; sleep 120'`,
    );
    assert.equal(sh.status, 0, sh.stderr);
    const pane = () => tmux('capture-pane', '-p', '-J').stdout;
    // The earlier run succeeded in a few seconds: the line says so, and the phase moves on.
    const status = (cell: number) => new RegExp(`^running cell ${cell}/3 · \\d+s · usually ~\\d+s\\s*$`, 'm');
    await waitFor(() => status(1).test(pane()), { what: 'the status line at cell 1', detail: pane });
    await waitFor(() => status(2).test(pane()), { what: 'the status line at cell 2', detail: pane });
    const end = await waitFor(() => /^commit exited (\d+)/m.exec(pane()), {
      what: 'the commit to end',
      detail: pane,
    });
    const screen = pane();
    assert.equal(end[1], '0', screen);
    const lines = screen.split('\n').filter((l) => l.trim());
    const i = lines.findIndex((l) => l.startsWith('commit exited'));
    assert.match(lines[i - 1]!, /^mymlops: commit \d{8}_\d{6} succeeded in \d+s$/, screen);
    assert.match(lines[i - 2]!, /^mymlops: job finished status=succeeded$/, screen);
    // The status line is gone, and progress went into it rather than into the log.
    assert.doesNotMatch(screen, /^running cell/m);
    assert.doesNotMatch(screen, /progress pushed|mymlops: result \{/);
  });
});
