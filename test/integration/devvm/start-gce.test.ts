// `mymlops start` on the Compute Engine simulator: the dev VM clones the repository, its start
// command serves HTTP, the dashboard's tunnel (gcloud compute ssh → a real sshd) reaches it, the
// watchdog stops the VM once idle ("stopped (idle)" in `mymlops status`), and a restart does not
// clone again but runs the command again.
import assert from 'node:assert/strict';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GceBackend } from '../../../src/adapters/backends/gce/gce.js';
import { readDevFile } from '../../../src/adapters/ssh/dev-files.js';
import { DevTunnels } from '../../../src/adapters/ssh/dev-tunnels.js';
import { loadConfigFile } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { decorateDevVmRows } from '../../../src/core/devvm/rows.js';
import { startDevMachine } from '../../../src/core/devvm/start.js';
import { devVmRows } from '../../../src/core/status/merge.js';
import { ROOT, runCliAsync } from '../../helpers/cli.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';
import { devNamed } from '../../helpers/machines.js';
import { bareRepo, git } from '../../helpers/git-repo.js';
import { freePort, type Sshd, startSshd } from '../../helpers/sshd.js';
import { readStartScript } from '../../../src/adapters/assets.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-start-gce-'));
let s: SimEnv;
let sshd: Sshd;
let cfg: Config;
let port = 0;
let env: NodeJS.ProcessEnv;
const origin = join(tmp, 'origin.git');
const repo = join(tmp, 'repo');
const gcloud = join(tmp, 'bin', 'gcloud');

/** The built CLI, without blocking the event loop (the simulator runs in this process). */
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env });

const get = (p: number, path = '/') =>
  fetch(`http://127.0.0.1:${p}${path}`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.text(),
    () => null,
  );

/** The clone inside the simulated VM's sandbox. */
function vmRepo(): string | null {
  const vms = join(tmp, 'vms');
  for (const d of existsSync(vms) ? readdirSync(vms) : [])
    if (existsSync(join(vms, d, 'root', 'repo'))) return join(vms, d, 'root', 'repo');
  return null;
}

before(async () => {
  // The VM's watchdog reads an idle fake /proc (this 2-core test machine is rarely idle): the
  // Jupyter stand-in's busy kernel alone decides.
  mkdirSync(join(tmp, 'proc'));
  writeFileSync(join(tmp, 'stat'), 'cpu 100 0 100 1000 0 0 0 0 0 0\n');
  s = await startSim(tmp, {
    vmEnv: { MYMLOPS_WD_PROC_STAT: join(tmp, 'stat'), MYMLOPS_WD_PROC: join(tmp, 'proc') },
  });
  sshd = await startSshd();
  port = await freePort();
  bareRepo(origin);
  git(tmp, 'init', '-q', '--initial-branch=master', repo);
  copyFileSync(join(ROOT, 'test', 'fixtures', 'devvm', 'serve.py'), join(repo, 'serve.py'));
  writeFileSync(join(repo, 'hello.txt'), 'hello from the VM\n');
  writeFileSync(join(repo, 'busy'), 'a kernel is busy while this file exists\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'dev');
  git(repo, 'push', '-q', origin, 'master');
  bareRepo(join(tmp, 'out.git'));
  // A stand-in gcloud: `compute ssh NAME --zone Z ... -- ARGS` becomes ssh to the local sshd.
  const binDir = join(tmp, 'bin');
  mkdirSync(binDir);
  writeFileSync(
    gcloud,
    `#!/bin/bash\n[ "$1 $2" = "compute ssh" ] || { echo "unexpected gcloud $*" >&2; exit 2; }\n` +
      `while [ "$1" != "--" ]; do shift; done; shift\n` +
      // The simulated VM's /root is inside its sandbox: map the path of a remote command.
      `if [ -n "\${VM_ROOT:-}" ]; then a=("$@"); a[-1]="\${a[-1]//\\/root\\/repo/$VM_ROOT/root/repo}"; set -- "\${a[@]}"; fi\n` +
      `exec ssh ${sshd.sshOptions().join(' ')} ${sshd.target} "$@"\n`,
  );
  chmodSync(gcloud, 0o755);
  writeFileSync(
    join(repo, 'mymlops.yml'),
    `backend: gce
commit:
  command: "true"
  repository: {url: ${JSON.stringify(origin)}}
  output_repository: {url: ${JSON.stringify(join(tmp, 'out.git'))}}
  instance: {zone_regex: "us-.*", machine_type: e2-medium, snapshot: dev-image}
start:
  command: /usr/bin/python3 serve.py ${port}
  repository: {url: ${JSON.stringify(origin)}}
  instance: {zone_regex: "us-.*", machine_type: e2-medium, snapshot: dev-image}
  idle_shutdown: {timeout: 3s, interval: 1, jupyter_port: ${port}}
dashboard:
  tunnel: {local_port_min: ${await freePort()}, remote_ports: [${port}]}
`,
  );
  // Guest attributes are read at most every 6 s here (30 s by default): within GCE's 10 a minute.
  env = {
    ...process.env,
    ...s.env,
    PATH: `${binDir}:${process.env['PATH']}`,
    MYMLOPS_GCE_GUEST_READ_MS: '6000',
  };
  cfg = loadConfigFile(join(repo, 'mymlops.yml'));
});

after(async () => {
  await s?.close();
  await sshd?.stop();
  if (!process.env['KEEP']) rmSync(tmp, { recursive: true, force: true });
});

describe('mymlops start on the GCE simulator', () => {
  it('serves through a tunnel, stops itself when idle, restarts without cloning again', async () => {
    const backend = new GceBackend({ gcp: cfg.gcp, env, home: s.home, notify: () => {} });
    const out = await startDevMachine(
      cfg,
      { name: 'dev-a', dryRun: false },
      {
        now: () => new Date(),
        backend: () => backend,
        checkKey: () => {},
        sshOptions: [],
        startScript: readStartScript,
      },
    );
    assert.equal(out.machine?.kind, 'start');
    const zone = out.machine!.zone!;
    assert.match(zone, /^us-/);

    // The start command runs on the VM (the simulated VM's processes share this host's network).
    assert.equal(
      await waitFor(() => get(port, '/hello.txt'), { what: 'the start command to serve', timeoutMs: 20_000 }),
      'hello from the VM\n',
    );

    // The dashboard's tunnel: gcloud compute ssh (stand-in) → sshd → the VM's port.
    const tunnels = new DevTunnels(cfg, s.home, { baseMs: 200, maxMs: 1000, gcloud });
    try {
      const machines = await backend.list();
      const dev = machines.find((m) => m.name === 'dev-a')!;
      assert.equal(dev.kind, 'start');
      assert.equal(dev.state, 'running');
      tunnels.sync(machines);
      await tunnels.manager!.tunnel('dev-a', port)!.waitUp();
      const [row] = decorateDevVmRows(devVmRows(machines), {
        config: cfg,
        localRepoDir: () => '',
        tunnels: tunnels.manager,
      });
      assert.equal(row!.ports[0]!.state, 'up');
      assert.notEqual(row!.ports[0]!.local, port);
      assert.equal(await get(row!.ports[0]!.local!, '/hello.txt'), 'hello from the VM\n');
      assert.match(row!.ssh_command!, /^gcloud compute ssh dev-a --zone us-/);
      // commit --instance reads the notebook over gcloud compute ssh from /root/repo.
      writeFileSync(join(vmRepo()!, 'nb.ipynb'), '{"cells": []}\n');
      const text = await readDevFile('dev-a', 'nb.ipynb', {
        backend,
        home: s.home,
        project: null,
        gcloud,
        env: { ...env, VM_ROOT: join(vmRepo()!, '..', '..') },
      });
      assert.equal(text, '{"cells": []}\n');
      await assert.rejects(
        readDevFile('dev-a', 'absent.ipynb', {
          backend,
          home: s.home,
          project: null,
          gcloud,
          env: { ...env, VM_ROOT: join(vmRepo()!, '..', '..') },
        }),
        /cannot read \/root\/repo\/absent.ipynb on dev VM dev-a: cat: .*No such file/,
      );
      // Busy kernel: the watchdog publishes its countdown but keeps the VM up.
      const busy = await waitFor(
        async () => {
          const m = devNamed(await backend.list(), 'dev-a');
          return m?.idle?.state === 'busy' ? m : null;
        },
        { what: 'the watchdog to publish busy', timeoutMs: 15_000 },
      );
      assert.match(busy.idle!.reasons ?? '', /kernels_busy=1/);

      // A second start with the same name is refused.
      const again = await cli(['start', '--name', 'dev-a']);
      assert.equal(again.code, 2);
      assert.match(
        again.stderr,
        /^mymlops: a dev machine named dev-a already exists \(running in us-[a-z0-9-]+\) — stop it with `mymlops stop dev-a`, or pick another --name\n$/,
      );

      // Idle from now on: the VM stops itself after the 3 s timeout.
      unlinkSync(join(vmRepo()!, 'busy'));
      const stopped = await waitFor(
        async () => {
          const m = (await backend.list()).find((x) => x.name === 'dev-a');
          // The reason comes from the watchdog's last published state, read once per window.
          return m?.state === 'stopped' && m.reason === 'idle' ? m : null;
        },
        { what: 'the watchdog to stop the VM', timeoutMs: 30_000 },
      );
      assert.equal(stopped.reason, 'idle');
      tunnels.sync(await backend.list());
      assert.equal(tunnels.manager!.statuses('dev-a').length, 0, 'tunnel closed once the VM stopped');
    } finally {
      tunnels.close();
    }
    const st = await cli(['status']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /dev machines\n {2}dev-a {2}us-[a-z0-9-]+ {2}stopped \(idle\)\n/);

    // Manual restart: the command runs again (the clone is reused, not cloned again).
    const r = await fetch(`${s.sim.computeBase}projects/mymlops-test/zones/${zone}/instances/dev-a/start`, {
      method: 'POST',
      headers: { Authorization: 'Bearer x' },
    });
    assert.equal(r.status, 200);
    writeFileSync(join(vmRepo()!, 'busy'), 'keep it up\n');
    assert.equal(
      await waitFor(() => get(port, '/hello.txt'), { what: 'the command to serve again', timeoutMs: 20_000 }),
      'hello from the VM\n',
    );
    // The VM's console log on its disk (the simulator's serial port drops a rebooted VM's output
    // written through the startup script's tee: reported to the simulator's owner).
    const consoleLog = join(vmRepo()!, '..', '..', 'var', 'lib', 'mymlops', 'job', 'console.log');
    const log = await waitFor(
      () => {
        const t = readFileSync(consoleLog, 'utf8');
        return (t.match(/running start command/g)?.length ?? 0) >= 2 ? t : null;
      },
      { what: 'the second boot in the console log', timeoutMs: 10_000 },
    );
    assert.equal(log.match(/mymlops: cloning /g)?.length, 1, log);
    assert.match(log, /dev VM dev-a booting again: using the dev script already on the disk/);
    assert.match(log, /repository already cloned: not cloning again/);
    const serial = await backend.readLog('dev-a', 0);
    assert.match(serial.text, /mymlops: running start command/);
    // (the simulator's close() ends the VM's processes)
  });
});
