import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../../src/config/types.js';
import { sshCommand } from '../../../src/core/devvm/access.js';
import { devStateLabel } from '../../../src/core/devvm/dev-state.js';
import { decorateDevVmRows, idleText, renderDevVms, type TunnelView } from '../../../src/core/devvm/rows.js';
import type { DevVmRow } from '../../../src/core/status/types.js';

const config = {
  gcp: { project: 'proj' },
  dashboard: { links: {}, tunnel: { local_port_min: 10000, remote_ports: [8888, 6006] } },
} as unknown as Config;

function row(over: Partial<DevVmRow>): DevVmRow {
  return {
    name: 'dev-1',
    backend: 'gce',
    zone: 'us-central1-a',
    state: 'running',
    reason: null,
    machine_type: 'n1-standard-8',
    accelerator: null,
    created_at: null,
    idle: null,
    ports: [],
    ssh_command: null,
    logs_command: null,
    ...over,
  };
}

const tunnels: TunnelView = {
  ports: (n: string): Record<string, number> => (n === 'dev-1' ? { '8888': 10000, '6006': 10001 } : {}),
  statuses: (n: string) =>
    n === 'dev-1'
      ? [
          { remote: 8888, state: 'up' as const, error: null },
          { remote: 6006, state: 'reconnecting' as const, error: 'Connection refused' },
        ]
      : [],
};

test('GCE rows link the tunnel local ports and carry their state', () => {
  const [r] = decorateDevVmRows(
    [row({ idle: { idle_seconds: 1380, stops_in_seconds: 2220, updated_at: 'x', state: 'idle' } })],
    {
      config,
      localRepoDir: () => '/nope',
      tunnels,
    },
  );
  assert.deepEqual(r!.ports, [
    { remote: 8888, local: 10000, url: 'http://localhost:10000/', state: 'up', error: null },
    {
      remote: 6006,
      local: 10001,
      url: 'http://localhost:10001/',
      state: 'reconnecting',
      error: 'Connection refused',
    },
  ]);
  assert.equal(
    r!.ssh_command,
    `gcloud compute ssh dev-1 --zone us-central1-a --project proj -- -t 'sudo -i bash -c '\\''cd /root/repo && exec bash -l'\\'''`,
  );
  assert.equal(r!.logs_command, 'mymlops logs dev-1');
  assert.equal(r!.idle_text, 'idle 23 min, stops in 37 min');
  assert.equal(r!.state_label, 'running');
});

test('a stopped VM has no links; stopped by the watchdog reads "stopped (idle)"', () => {
  const [r] = decorateDevVmRows([row({ state: 'stopped', reason: 'idle' })], {
    config,
    localRepoDir: () => '',
    tunnels,
  });
  assert.ok(r!.ports.every((p) => p.url === null && p.state === 'down'));
  assert.equal(r!.state_label, 'stopped (idle)');
  assert.equal(r!.idle_text, 'stopped (idle)');
  assert.match(renderDevVms([r!]), /^dev machines\n {2}dev-1 {2}us-central1-a {2}stopped \(idle\)\n/);
});

test('local rows link the ports directly and cd into the clone', () => {
  const [r] = decorateDevVmRows([row({ backend: 'local', zone: null, name: 'd' })], {
    config,
    localRepoDir: (n) => `/home/me/.mymlops/dev/${n}/repo`,
    tunnels: null,
  });
  assert.deepEqual(
    r!.ports.map((p) => [p.url, p.state]),
    [
      ['http://localhost:8888/', 'up'],
      ['http://localhost:6006/', 'up'],
    ],
  );
  assert.equal(r!.ssh_command, `cd '/home/me/.mymlops/dev/d/repo'`);
});

test('idle text and state labels', () => {
  assert.equal(
    idleText(
      row({
        idle: {
          idle_seconds: 0,
          stops_in_seconds: 3600,
          updated_at: 'x',
          state: 'busy',
          reasons: 'ssh_sessions=1',
        },
      }),
    ),
    'busy (ssh_sessions=1)',
  );
  assert.equal(idleText(row({ state: 'stopped', reason: 'killed' })), null);
  assert.equal(devStateLabel({ state: 'stopped', reason: 'preempted' }), 'stopped (preempted)');
  assert.equal(
    sshCommand({ name: 'x', zone: 'z', backend: 'gce' }).startsWith('gcloud compute ssh x --zone z -- -t '),
    true,
  );
});
