// How a dev machine's state reads (labels), what the dev script reports, the shell of `mymlops ssh`,
// and which stop reason wins on GCE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withIdle } from '../../../src/adapters/backends/gce/dev-idle.js';
import { devStateLabel, logTail, parseDevState } from '../../../src/core/devvm/dev-state.js';
import { shellPlan } from '../../../src/core/devvm/lifecycle.js';
import { devMachine } from '../../helpers/machines.js';

const exited = { state: 'exited' as const, code: 3, message: null, updated_at: null };
const failed = { state: 'failed' as const, code: null, message: 'git clone failed', updated_at: null };

test('devStateLabel', () => {
  const cases: [Parameters<typeof devStateLabel>[0], string][] = [
    [{ state: 'running', reason: null }, 'running'],
    [{ state: 'stopped', reason: 'idle' }, 'stopped (idle)'],
    [{ state: 'stopped', reason: 'by_you' }, 'stopped (by you)'],
    [{ state: 'stopped', reason: 'preempted' }, 'stopped (preempted)'],
    [{ state: 'stopped', reason: 'exited', dev: exited }, 'exited (code 3)'],
    [{ state: 'stopped', reason: 'exited', dev: failed }, 'failed (git clone failed)'],
    [{ state: 'running', reason: null, dev: exited }, 'running, command exited (code 3)'],
    [{ state: 'running', reason: null, dev: failed }, 'running, command failed (git clone failed)'],
    [{ state: 'stopped', reason: 'idle', dev: exited }, 'stopped (idle)'],
    [{ state: 'provisioning', reason: null }, 'provisioning'],
  ];
  for (const [m, want] of cases) assert.equal(devStateLabel(m), want, JSON.stringify(m));
});

test('parseDevState and logTail', () => {
  assert.deepEqual(parseDevState('{"state":"exited","code":2,"message":"","updated_at":"t"}'), {
    state: 'exited',
    code: 2,
    message: null,
    updated_at: 't',
  });
  assert.equal(parseDevState('{"state":"odd"}'), null);
  assert.equal(parseDevState('not json'), null);
  assert.equal(parseDevState(null), null);
  assert.deepEqual(logTail('a\n\nb\r\nc\nd\ne\nf\n', 3), ['d', 'e', 'f']);
});

test('on GCE a preemption or the user stop wins over the watchdog last word', () => {
  const m = (reason: string) =>
    devMachine({ name: 'd', backend: 'gce', zone: 'z', state: 'stopped', reason });
  const wd = {
    state: 'stopped' as const,
    idle_seconds: 9,
    stops_in_seconds: 0,
    timeout: 9,
    action: 'stop',
    reasons: '',
    updated_at: 't',
  };
  assert.equal(withIdle(m('stopped'), wd).reason, 'idle');
  assert.equal(withIdle(m('preempted'), wd).reason, 'preempted');
  assert.equal(withIdle(m('by_you'), wd).reason, 'by_you');
  assert.equal(withIdle(m('stopped'), null).reason, 'stopped');
});

test('shellPlan: a shell in the clone locally, gcloud compute ssh into /root/repo on gce', () => {
  assert.deepEqual(
    shellPlan(
      { name: 'd', zone: null, backend: 'local', state: 'running' },
      {
        repoDir: '/h/dev/d/repo',
        project: null,
        shell: '/bin/zsh',
      },
    ),
    { file: '/bin/zsh', args: [], cwd: '/h/dev/d/repo' },
  );
  assert.equal(
    shellPlan(
      { name: 'd', zone: null, backend: 'local', state: 'running' },
      { repoDir: 'r', project: null, shell: '' },
    ).file,
    'bash',
  );
  const g = shellPlan(
    { name: 'd', zone: 'us-a', backend: 'gce', state: 'running' },
    {
      repoDir: '',
      project: 'p',
      shell: undefined,
    },
  );
  assert.equal(g.file, 'gcloud');
  assert.deepEqual(g.args.slice(0, 8), ['compute', 'ssh', 'd', '--zone', 'us-a', '--project', 'p', '--']);
  assert.equal(g.args[8], '-t');
  assert.match(g.args[9]!, /cd \/root\/repo && exec bash -l/);
  assert.throws(
    () =>
      shellPlan(
        { name: 'd', zone: 'z', backend: 'gce', state: 'stopped' },
        { repoDir: '', project: null, shell: '' },
      ),
    /dev machine d is not running \(stopped\)/,
  );
});

test("shellPlan for a commit's VM: the job's checkout while it runs, else the original's clone", () => {
  const c = shellPlan(
    { name: 'mymlops-20261204-174509', zone: 'us-a', backend: 'gce', state: 'running', kind: 'commit' },
    { repoDir: '', project: null, shell: undefined },
  );
  assert.deepEqual(c.args.slice(0, 6), ['compute', 'ssh', 'mymlops-20261204-174509', '--zone', 'us-a', '--']);
  assert.match(
    c.args[7]!,
    /cd \/var\/lib\/mymlops\/job\/work\/repo 2>\/dev\/null \|\| cd \/root\/repo 2>\/dev\/null; exec bash -l/,
  );
  assert.throws(
    () =>
      shellPlan(
        { name: 'm', zone: 'z', backend: 'gce', state: 'stopped', kind: 'commit' },
        { repoDir: '', project: null, shell: '' },
      ),
    /commit machine m is not running \(stopped\)/,
  );
});
