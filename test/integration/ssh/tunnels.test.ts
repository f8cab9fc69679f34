// Tunnels through a REAL sshd on 127.0.0.1 to a real HTTP server behind it.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TunnelManager } from '../../../src/adapters/ssh/tunnel-manager.js';
import { gcloudTunnelArgv, sshTunnelArgv, Tunnel } from '../../../src/adapters/ssh/tunnels.js';
import { freePort, startSshd, type Sshd } from '../../helpers/sshd.js';
import { waitFor } from '../../helpers/wait.js';

let sshd: Sshd;
let http: Server;
let httpPort: number;
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-tun-'));
const opts = { baseMs: 200, maxMs: 1000, connectTimeoutMs: 10_000 };

async function get(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/hello`, { signal: AbortSignal.timeout(5000) });
  return r.text();
}

before(async () => {
  sshd = await startSshd();
  http = createServer((req, res) => res.end(`served ${req.url}`));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as { port: number }).port;
});
after(async () => {
  http.closeAllConnections();
  http.close();
  await sshd.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('tunnel runner', { concurrency: true }, () => {
  test('a tunnel carries a request; killing ssh brings it back within seconds', async () => {
    const local = await freePort();
    const spec = { local, remote: httpPort };
    const t = new Tunnel(spec, sshTunnelArgv(sshd.target, sshd.sshOptions(), spec), opts).start();
    try {
      await t.waitUp();
      assert.equal(await get(local), 'served /hello');
      const pid = t.pid()!;
      process.kill(pid, 'SIGKILL');
      // The runner notices the death and respawns ssh (its reconnect count), then the port is back.
      await waitFor(() => t.status().reconnects === 1, {
        what: 'the runner to respawn ssh',
        timeoutMs: 10_000,
      });
      await t.waitUp(10_000);
      assert.notEqual(t.pid(), pid);
      assert.equal(t.status().reconnects, 1);
      assert.equal(await get(local), 'served /hello');
    } finally {
      t.close();
    }
    assert.equal(t.status().state, 'down');
  });

  test('the same runner drives `gcloud compute ssh` (only the argv differs)', async () => {
    // A stand-in gcloud: checks its arguments and runs ssh with everything after `--`.
    const gcloud = join(tmp, 'gcloud');
    writeFileSync(
      gcloud,
      `#!/bin/bash\n[ "$1 $2 $3 $4 $5" = "compute ssh dev-1 --zone z-1" ] || { echo "bad args: $*" >&2; exit 2; }\n` +
        `while [ "$1" != "--" ]; do shift; done; shift\nexec ssh ${sshd.sshOptions().join(' ')} "$@" ${sshd.target}\n`,
    );
    chmodSync(gcloud, 0o755);
    const local = await freePort();
    const spec = { local, remote: httpPort };
    const t = new Tunnel(spec, gcloudTunnelArgv({ name: 'dev-1', zone: 'z-1' }, spec, gcloud), opts).start();
    try {
      await t.waitUp();
      assert.equal(await get(local), 'served /hello');
    } finally {
      t.close();
    }
  });

  test('a local port already in use: down with ssh’s reason, retried with backoff', async () => {
    const blocker = netServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const local = (blocker.address() as { port: number }).port;
    // The blocker accepts connections, so a probe would wrongly say "up": the forward fails first.
    const spec = { local, remote: httpPort };
    const t = new Tunnel(spec, sshTunnelArgv(sshd.target, sshd.sshOptions(), spec), {
      ...opts,
      baseMs: 5000,
    }).start();
    try {
      const error = await waitFor(() => t.status().error, {
        what: 'ssh to fail the forward',
        timeoutMs: 10_000,
      });
      assert.match(error, /forward|Address already in use|bind/i);
    } finally {
      t.close();
      blocker.close();
    }
  });

  test('manager: stable ports, tunnels for running VMs only, closed when the VM goes', async () => {
    const min = await freePort();
    const m = new TunnelManager(join(tmp, 'home'), { local_port_min: min, remote_ports: [httpPort] }, opts);
    const target = (name: string) => ({
      name,
      argv: (s: { local: number; remote: number }) => sshTunnelArgv(sshd.target, sshd.sshOptions(), s),
    });
    try {
      m.sync(['vm-b', 'vm-stopped'], [target('vm-b')]);
      const pb = m.ports('vm-b')[String(httpPort)]!;
      assert.ok(pb >= min);
      assert.ok(m.ports('vm-stopped')[String(httpPort)]! >= min, 'stopped VMs keep a reservation');
      assert.deepEqual(m.statuses('vm-stopped'), []);
      await m.tunnel('vm-b', httpPort)!.waitUp();
      assert.equal(await get(pb), 'served /hello');
      // A VM that sorts first appears: vm-b keeps its port.
      m.sync(['vm-a', 'vm-b'], [target('vm-a'), target('vm-b')]);
      assert.equal(m.ports('vm-b')[String(httpPort)], pb);
      await m.tunnel('vm-a', httpPort)!.waitUp();
      assert.equal(await get(m.ports('vm-a')[String(httpPort)]!), 'served /hello');
      // A fresh manager (dashboard restart) reads the same assignment.
      const m2 = new TunnelManager(
        join(tmp, 'home'),
        { local_port_min: min, remote_ports: [httpPort] },
        opts,
      );
      m2.sync(['vm-a', 'vm-b'], []);
      assert.equal(m2.ports('vm-b')[String(httpPort)], pb);
      // vm-b is gone: its tunnel closes, the port stops answering.
      const tb = m.tunnel('vm-b', httpPort)!;
      m.sync(['vm-a'], [target('vm-a')]);
      assert.equal(tb.status().state, 'down');
      assert.equal(m.tunnel('vm-b', httpPort), undefined);
      await waitFor(
        () =>
          get(pb).then(
            () => false,
            () => true,
          ),
        { what: 'the gone VM’s local port to be released', timeoutMs: 5000 },
      );
    } finally {
      m.closeAll();
    }
  });
});
