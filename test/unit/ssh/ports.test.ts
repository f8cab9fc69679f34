import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assignPorts,
  loadAssignments,
  saveAssignments,
  tunnelsFile,
} from '../../../src/adapters/ssh/ports.js';
import { backoffMs, gcloudTunnelArgv, sshTunnelArgv } from '../../../src/adapters/ssh/tunnels.js';

test('assignPorts: new VMs take ports from min upward, one per remote port', () => {
  assert.deepEqual(assignPorts({}, ['b', 'a'], [8888, 6006], 10000), {
    a: { '8888': 10000, '6006': 10001 },
    b: { '8888': 10002, '6006': 10003 },
  });
});

test('assignPorts is stable: appearing/disappearing VMs never renumber others', () => {
  const cases: {
    name: string;
    prev: Record<string, Record<string, number>>;
    vms: string[];
    want: Record<string, Record<string, number>>;
  }[] = [
    {
      name: 'a VM disappears: others keep their ports',
      prev: { a: { '8888': 10000 }, b: { '8888': 10001 }, c: { '8888': 10002 } },
      vms: ['a', 'c'],
      want: { a: { '8888': 10000 }, c: { '8888': 10002 } },
    },
    {
      name: 'a VM appears that sorts first: takes the lowest free port, others unchanged',
      prev: { b: { '8888': 10000 }, c: { '8888': 10002 } },
      vms: ['a0', 'b', 'c'],
      want: { a0: { '8888': 10001 }, b: { '8888': 10000 }, c: { '8888': 10002 } },
    },
    {
      name: 'a new remote port is added without moving the old one',
      prev: { a: { '8888': 10003 } },
      vms: ['a'],
      want: { a: { '8888': 10003, '6006': 10000 } },
    },
    {
      name: 'assignments below min (config changed) are redone',
      prev: { a: { '8888': 9000 } },
      vms: ['a'],
      want: { a: { '8888': 10000 } },
    },
  ];
  for (const c of cases) {
    const remote = Object.keys(Object.values(c.want)[0]!).map(Number);
    assert.deepEqual(assignPorts(c.prev, c.vms, remote, 10000), c.want, c.name);
  }
});

test('assignPorts skips ports taken locally and never hands out one twice', () => {
  const a = assignPorts({ x: { '1': 10001 } }, ['x', 'y', 'z'], [1, 2], 10000, new Set([10000, 10003]));
  const all = Object.values(a).flatMap((p) => Object.values(p));
  assert.equal(new Set(all).size, all.length);
  assert.ok(!all.includes(10000) && !all.includes(10003));
  assert.equal(a['x']!['1'], 10001);
});

test('assignments persist in <home>/cache/tunnels.json; a corrupt file counts as empty', () => {
  const home = mkdtempSync(join(tmpdir(), 'mymlops-ports-'));
  try {
    assert.deepEqual(loadAssignments(home), {});
    saveAssignments(home, { a: { '8888': 10000 } });
    assert.deepEqual(loadAssignments(home), { a: { '8888': 10000 } });
    mkdirSync(join(home, 'cache'), { recursive: true });
    writeFileSync(tunnelsFile(home), '{not json');
    assert.deepEqual(loadAssignments(home), {});
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('tunnel argv: plain ssh and gcloud carry the same forward and options', () => {
  const spec = { local: 10000, remote: 8888 };
  const ssh = sshTunnelArgv('root@127.0.0.1', ['-p', '2222'], spec);
  const g = gcloudTunnelArgv({ name: 'dev-1', zone: 'us-central1-a', project: 'p' }, spec);
  assert.deepEqual(g.slice(0, 9), [
    'gcloud',
    'compute',
    'ssh',
    'dev-1',
    '--zone',
    'us-central1-a',
    '--project',
    'p',
    '--quiet',
  ]);
  const fwd = (argv: string[]) => argv.slice(argv.indexOf('-N'), argv.indexOf('-N') + 11);
  assert.deepEqual(fwd(ssh), fwd(g));
  assert.ok(
    g.includes('ExitOnForwardFailure=yes') &&
      g.includes('ServerAliveInterval=15') &&
      g.includes('BatchMode=yes'),
  );
  assert.equal(g[g.indexOf('--') + 1], '-N');
});

test('backoff doubles and is capped', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 10, 50].map((n) => backoffMs(n)),
    [1000, 2000, 4000, 8000, 30000, 30000],
  );
});
