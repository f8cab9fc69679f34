// A GCE dev VM's life on the simulator, through the built CLI: start → stop (its port stops
// answering, `stopped (by you)`) → start --name resumes (serves again, `running`) → delete (gone
// from status and from gcloud's list). A start command that exits reads `running, command exited
// (code N)` with the console's last lines.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runAsync, runCliAsync } from '../../helpers/cli.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { bareRepo, git } from '../../helpers/git-repo.js';
import { freePort, portAccepts } from '../../helpers/sshd.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-devlife-gce-'));
let s: SimEnv;
let port = 0;
let env: NodeJS.ProcessEnv;
const origin = join(tmp, 'origin.git');
const repo = join(tmp, 'repo');
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env });
const get = () =>
  fetch(`http://127.0.0.1:${port}/hello.txt`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.text(),
    () => null,
  );
const devLine = async (name: string, config = 'mymlops.yml') =>
  (await cli(['status', '--config', config])).stdout.split('\n').find((l) => l.startsWith(`  ${name}  `));

before(async () => {
  // An idle fake /proc for the VM's watchdog (its timeout is long anyway).
  mkdirSync(join(tmp, 'proc'));
  writeFileSync(join(tmp, 'stat'), 'cpu 100 0 100 1000 0 0 0 0 0 0\n');
  s = await startSim(tmp, {
    vmEnv: { MYMLOPS_WD_PROC_STAT: join(tmp, 'stat'), MYMLOPS_WD_PROC: join(tmp, 'proc') },
  });
  port = await freePort();
  bareRepo(origin);
  git(tmp, 'init', '-q', '--initial-branch=master', repo);
  copyFileSync(join(ROOT, 'test', 'fixtures', 'devvm', 'serve.py'), join(repo, 'serve.py'));
  writeFileSync(join(repo, 'hello.txt'), 'hello from the VM\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'dev');
  git(repo, 'push', '-q', origin, 'master');
  bareRepo(join(tmp, 'out.git'));
  const cfg = `backend: gce
commit:
  command: "true"
  repository: {url: ${JSON.stringify(origin)}}
  output_repository: {url: ${JSON.stringify(join(tmp, 'out.git'))}}
  instance: {zone_regex: "us-.*", machine_type: e2-medium, snapshot: dev-image}
start:
  command: /usr/bin/python3 serve.py ${port}
  repository: {url: ${JSON.stringify(origin)}}
  instance: {zone_regex: "us-.*", machine_type: e2-medium, snapshot: dev-image}
  idle_shutdown: {timeout: 10m, interval: 1}
`;
  writeFileSync(join(repo, 'mymlops.yml'), cfg);
  writeFileSync(
    join(repo, 'quits.yml'),
    cfg.replace(/command: \/usr\/bin\/python3 serve.py.*/, 'command: "echo about to fail; exit 4"'),
  );
  writeFileSync(
    join(repo, 'autodown.yml'),
    cfg.replace(
      'idle_shutdown: {timeout: 10m, interval: 1}',
      'idle_shutdown: {timeout: 10m, interval: 1, delete_after: 2s}',
    ),
  );
  // Guest attributes are read at most every 6 s here (30 s by default): within GCE's 10 a minute.
  env = { ...process.env, ...s.gcloudEnv, MYMLOPS_GCE_GUEST_READ_MS: '6000' };
});

after(async () => {
  await s?.close();
  if (!process.env['KEEP']) rmSync(tmp, { recursive: true, force: true });
});

describe('dev VM lifecycle on the GCE simulator', () => {
  it('start → stop → start --name resumes → delete', async () => {
    const st = await cli(['start', '--name', 'dev-l']);
    assert.equal(st.code, 0, st.stderr + st.stdout);
    assert.equal(await waitFor(get, { what: 'the start command to serve' }), 'hello from the VM\n');
    assert.match((await devLine('dev-l')) ?? '', /^ {2}dev-l {2}us-[a-z0-9-]+ {2}running/);

    const stop = await cli(['stop', 'dev-l']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /stopped dev machine dev-l/);
    assert.equal(await portAccepts(port), false, 'the port stops answering');
    assert.match((await devLine('dev-l')) ?? '', /^ {2}dev-l {2}us-[a-z0-9-]+ {2}stopped \(by you\)$/);
    // The guest agent signals only its script runner: the VM's shutdown script stops the dev script,
    // whose TERM trap stops the start command cleanly.
    const serial = [...s.sim.compute.world.instances.values()]
      .find((v) => v.name === 'dev-l')!
      .serial.read(0);
    assert.match(serial.contents, /mymlops-vm: the machine is shutting down: stopping the start command\n/);
    assert.match(serial.contents, /^mymlops: stopping$/m);

    const resume = await cli(['start', '--name', 'dev-l']);
    assert.equal(resume.code, 0, resume.stderr);
    assert.match(resume.stdout, /resumed dev machine dev-l in us-/);
    assert.equal(await waitFor(get, { what: 'the resumed VM to serve' }), 'hello from the VM\n');
    assert.match((await devLine('dev-l')) ?? '', /^ {2}dev-l {2}us-[a-z0-9-]+ {2}running/);
    const again = await cli(['start', '--name', 'dev-l']);
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /already exists \(running in us-[a-z0-9-]+\) — stop it with `mymlops stop dev-l`/,
    );

    const del = await cli(['delete', 'dev-l', '-y']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(await devLine('dev-l'), undefined);
    const gl = await runAsync('gcloud', ['compute', 'instances', 'list', '--format=json'], {
      env,
      timeoutMs: 60_000,
    });
    assert.equal(gl.code, 0, gl.stderr);
    assert.deepEqual(
      (JSON.parse(gl.stdout) as { name: string }[]).filter((i) => i.name === 'dev-l'),
      [],
    );
    const unknown = await cli(['stop', 'dev-l']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^mymlops: no dev machine named dev-l — /);
  });

  it('a start command that exits reads "command exited (code 4)" with the console tail', async () => {
    const st = await cli(['start', '--name', 'dev-q', '--config', 'quits.yml']);
    assert.equal(st.code, 0, st.stderr + st.stdout);
    const line = await waitFor(
      async () => {
        const out = (await cli(['status', '--config', 'quits.yml'])).stdout;
        return /dev-q {2}us-[a-z0-9-]+ {2}running, command exited \(code 4\)/.test(out) ? out : null;
      },
      { what: 'status to say the command exited' },
    );
    assert.match(line, /\| .*start command exited with code 4/);
  });

  it('start.idle_shutdown.delete_after: status deletes a VM stopped that long (lastStopTimestamp)', async () => {
    const st = await cli(['start', '--name', 'dev-d', '--config', 'autodown.yml']);
    assert.equal(st.code, 0, st.stderr + st.stdout);
    const stop = await cli(['stop', 'dev-d', '--config', 'autodown.yml']);
    assert.equal(stop.code, 0, stop.stderr);
    const r = await waitFor(
      async () => {
        const out = await cli(['status', '--config', 'autodown.yml']);
        return out.stderr.includes('deleted dev machine dev-d') ? out : null;
      },
      { what: 'status to delete the stopped VM' },
    );
    assert.match(
      r.stderr,
      /deleted dev machine dev-d: stopped since \S+Z, start\.idle_shutdown\.delete_after 2s\n/,
    );
    assert.doesNotMatch(r.stdout, /^ {2}dev-d /m);
    const gl = await runAsync('gcloud', ['compute', 'instances', 'list', '--format=json'], {
      env,
      timeoutMs: 60_000,
    });
    assert.equal(gl.code, 0, gl.stderr);
    assert.deepEqual(
      (JSON.parse(gl.stdout) as { name: string }[]).filter((i) => i.name === 'dev-d'),
      [],
    );
  });
});
