import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeIdle,
  parseWatchdogState,
  shellExports,
  watchdogEnv,
  type WatchdogState,
} from '../../../src/core/devvm/watchdog.js';

const idle = {
  timeout: 3600,
  cpu_threshold: 5,
  gpu_threshold: 7.5,
  interval: 10,
  action: 'stop' as const,
  jupyter_port: null,
  count_ssh_sessions: 'all' as const,
  delete_after: null,
};

test('watchdogEnv maps the config to the script settings', () => {
  const env = watchdogEnv(idle, { mode: 'gce', stateFile: '/var/lib/mymlops/idle.json' });
  assert.deepEqual(env, {
    MYMLOPS_WD_TIMEOUT: '3600',
    MYMLOPS_WD_INTERVAL: '10',
    MYMLOPS_WD_CPU_THRESHOLD: '5',
    MYMLOPS_WD_GPU_THRESHOLD: '7.5',
    MYMLOPS_WD_ACTION: 'stop',
    MYMLOPS_WD_STATE_FILE: '/var/lib/mymlops/idle.json',
    MYMLOPS_WD_GCE: '1',
    MYMLOPS_WD_SSH: 'all',
  });
  const local = watchdogEnv(
    { ...idle, jupyter_port: 8888, action: 'delete' },
    { mode: 'local', stateFile: '/h/idle.json', actionCmd: 'kill -TERM -- -42' },
  );
  assert.equal(local['MYMLOPS_WD_GCE'], '0');
  assert.equal(local['MYMLOPS_WD_JUPYTER_PORT'], '8888');
  assert.equal(local['MYMLOPS_WD_ACTION_CMD'], 'kill -TERM -- -42');
  assert.equal(local['MYMLOPS_WD_ACTION'], 'delete');
});

test('shellExports quotes values', () => {
  assert.equal(shellExports({ A: "it's", B: 'x y' }), `export A='it'\\''s'\nexport B='x y'`);
});

test('parseWatchdogState accepts what the script writes and rejects junk', () => {
  const s = parseWatchdogState(
    '{"state":"idle","idle_seconds":1380,"stops_in_seconds":2220,"timeout":3600,"action":"stop","reasons":"","updated_at":"2024-11-07T03:53:40Z"}',
  );
  assert.equal(s?.idle_seconds, 1380);
  assert.equal(s?.stops_in_seconds, 2220);
  for (const bad of [null, '', 'nope', '{}', '{"state":"idle"}', '[1]'])
    assert.equal(parseWatchdogState(bad), null, String(bad));
});

test('describeIdle', () => {
  const base: WatchdogState = {
    state: 'idle',
    idle_seconds: 1380,
    stops_in_seconds: 2220,
    timeout: 3600,
    action: 'stop',
    reasons: '',
    updated_at: 'x',
  };
  const cases: [Partial<WatchdogState>, string][] = [
    [{}, 'idle 23 min, stops in 37 min'],
    [{ idle_seconds: 30, stops_in_seconds: 90 }, 'idle 30 s, stops in 90 s'],
    [{ action: 'delete' }, 'idle 23 min, deleted in 37 min'],
    [{ state: 'busy', reasons: 'cpu=40.0%' }, 'busy (cpu=40.0%)'],
    [{ state: 'stopped' }, 'stopped (idle)'],
    [{ state: 'acting' }, 'idle 23 min, stopping'],
  ];
  for (const [over, want] of cases) assert.equal(describeIdle({ ...base, ...over }), want);
  assert.equal(describeIdle(null), '');
});
