// The commit VMs' startup and shutdown scripts (assets/gce/commit-startup.sh, commit-shutdown.sh,
// run as they are with their prelude) with a fake metadata server (wait_for_change on
// instance/preempted) and a fake Compute Engine API that records what the VM asks of it (and, as
// Google's front end, answers 411 to a POST without a length), and a stand-in job that follows
// job.sh's exit-code contract: how the VM ends after a preemption, a cancel, a shutdown, and a result
// that could not be published. At a soft-off the guest agent signals only its script runner
// (KillMode=process): the shutdown script is what stops the job.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lengthRequiredPage, needsLength } from '../../../sim/gce/front-end.js';
import { packagePath } from '../../../src/util/package-root.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-commit-startup-'));
const SCRIPT = packagePath('assets', 'gce', 'commit-startup.sh');
const SHUTDOWN = packagePath('assets', 'gce', 'commit-shutdown.sh');
const servers: Server[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children)
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {}
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(tmp, { recursive: true, force: true });
});

// Follows job.sh's contract: exit 2 on a SIGTERM with cancel-requested, 3 on one without (it says
// whether the preempted marker was there), 4 with a result kept in unpublished/; publish mode
// pushes the kept result (here: removes it) and exits 0.
const JOB = `#!/bin/bash
J="$MYMLOPS_JOB_DIR"
if [ "\${MYMLOPS_JOB_MODE:-run}" = publish ]; then echo "job: publish mode"; rm -rf "$J/unpublished"; exit 0; fi
trap 'if [ -f "$J/cancel-requested" ]; then echo "job: cancelled"; exit 2; fi; echo "job: stopped preempted=$([ -f "$J/preempted" ] && echo yes || echo no)"; exit 3' TERM
echo "job: running"
case "$(cat "$J/job.json")" in *unpublished*) mkdir -p "$J/unpublished/x"; echo '{"publish_error": "output repository unreachable"}' >"$J/result.json"; echo "job: not published"; exit 4 ;; esac
for _ in $(seq "\${JOB_STEPS:-600}"); do sleep 0.05; done
echo "job: done"
`;

interface Vm {
  name: string;
  /** Instance metadata items the VM set through the API. */
  items: { key: string; value: string }[];
  attrs: Record<string, string>;
  setPreempted(): void;
  api: string[];
  root: string;
  dir: string;
  boot(env?: Record<string, string>): { child: ChildProcess; done: Promise<number | null> };
  /** The shutdown script, as google-shutdown-scripts.service's ExecStop runs it at a soft-off. */
  shutdown(): Promise<number | null>;
  console(): string;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

let n = 0;
async function fakeVm(jobJson = '{}'): Promise<Vm> {
  const name = `vm-${++n}`;
  const attrs: Record<string, string> = { 'mymlops-job-script': JOB, 'mymlops-job-json': jobJson };
  let preempted = false;
  const waiting: (() => void)[] = [];
  const api: string[] = [];
  const mdHost = await listen((req, res) => {
    const send = (code: number, body: string) => {
      res.writeHead(code, { 'Metadata-Flavor': 'Google' });
      res.end(body);
    };
    if (req.headers['metadata-flavor'] !== 'Google') return send(403, 'no flavor');
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname.replace('/computeMetadata/v1/', '');
    if (p === 'instance/preempted') {
      const answer = () => send(200, preempted ? 'TRUE' : 'FALSE');
      // "wait_for_change=true": held until the value changes (the documented metadata server).
      if (url.searchParams.get('wait_for_change') === 'true' && !preempted) waiting.push(answer);
      else answer();
      return;
    }
    const fixed: Record<string, string> = {
      'instance/name': name,
      'instance/zone': 'projects/1/zones/us-central1-a',
      'project/project-id': 'p',
      'instance/service-accounts/default/token': '{"access_token": "t"}',
    };
    if (p in fixed) return send(200, fixed[p]!);
    const k = p.replace('instance/attributes/', '');
    if (p.startsWith('instance/attributes/') && k in attrs) return send(200, attrs[k]!);
    send(404, 'Not Found');
  });
  const items: { key: string; value: string }[] = [];
  const apiHost = await listen((req, res) => {
    if (needsLength(req.method ?? '', req.headers)) {
      api.push(`411 ${req.method} ${req.url}`);
      res.writeHead(411, { 'Content-Type': 'text/html; charset=UTF-8' });
      return void res.end(lengthRequiredPage(req.method ?? 'POST'));
    }
    api.push(`${req.method} ${req.url}`);
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url?.endsWith('/setMetadata')) items.splice(0, items.length, ...JSON.parse(body).items);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ metadata: { fingerprint: 'f', items } }));
    });
  });
  const root = join(tmp, name);
  mkdirSync(join(root, 'dev'), { recursive: true });
  const dir = join(root, 'var', 'lib', 'mymlops', 'job');
  const vmEnv = {
    PATH: process.env['PATH'],
    HOME: join(root, 'root'),
    MYMLOPS_VM_ROOT: root,
    MYMLOPS_SERIAL_DEVICE: join(root, 'dev', 'ttyS0'),
    GCE_METADATA_HOST: mdHost,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `http://${apiHost}/compute/v1/`,
    MYMLOPS_DELETE_GRACE: '0',
    MYMLOPS_CANCEL_POLL: '0.2',
  };
  const vm: Vm = {
    name,
    items,
    attrs,
    api,
    root,
    dir,
    setPreempted() {
      preempted = true;
      for (const w of waiting.splice(0)) w();
    },
    boot(env = {}) {
      const child = spawn('bash', [SCRIPT], { detached: true, stdio: 'ignore', env: { ...vmEnv, ...env } });
      children.push(child);
      // Done once the script exited and its logger wrote the last line (tee runs on its own).
      const marks = () => vm.console().split('startup script done').length - 1;
      const before = marks();
      const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      const done = exited.then(async (c) => {
        await until('the last line', () => marks() > before);
        return c;
      });
      return { child, done };
    },
    shutdown() {
      const child = spawn('bash', [SHUTDOWN], { detached: true, stdio: 'ignore', env: vmEnv });
      children.push(child);
      return new Promise((r) => child.on('close', (c) => r(c)));
    },
    console: () =>
      existsSync(join(dir, 'console.log')) ? readFileSync(join(dir, 'console.log'), 'utf8') : '',
  };
  return vm;
}

async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const self = (vm: Vm) => `/compute/v1/projects/p/zones/us-central1-a/instances/${vm.name}`;
const deleted = (vm: Vm) => vm.api.includes(`DELETE ${self(vm)}`);
const stopped = (vm: Vm) => vm.api.includes(`POST ${self(vm)}/stop`);

describe('commit startup script', () => {
  it('a preemption: the shutdown script stops the job, which sees it is preempted (3); the VM is not deleted', async () => {
    const vm = await fakeVm();
    const { child, done } = vm.boot();
    // When each script's process ended (its console lines pass through a logger of their own, so
    // their order in the console is not the order in which the scripts ended).
    let startupEnded = 0;
    child.once('exit', () => {
      startupEnded = performance.now();
    });
    await until('the job to run', () => vm.console().includes('job: running'));
    vm.setPreempted();
    // No signal to the startup script nor the job: only the shutdown script, as on GCE.
    assert.equal(await vm.shutdown(), 0);
    const shutdownEnded = performance.now();
    await done;
    const log = vm.console();
    assert.match(log, /stopping the job/);
    assert.match(log, /job: stopped preempted=yes/);
    assert.match(log, /job script exited with code 3/);
    assert.match(log, /not deleting this VM/);
    assert.match(log, /startup script done/);
    assert.match(log, /shutdown script done/);
    assert.ok(
      startupEnded > 0 && startupEnded <= shutdownEnded,
      'the shutdown script waits for the startup script to end',
    );
    assert.deepEqual(vm.api, [], 'neither delete nor stop');
  });

  it('instances.stop: the shutdown script stops the job, which says stopped (3); the VM is not deleted', async () => {
    const vm = await fakeVm();
    const { done } = vm.boot();
    await until('the job to run', () => vm.console().includes('job: running'));
    await vm.shutdown();
    await done;
    assert.match(vm.console(), /job: stopped preempted=no/);
    assert.match(vm.console(), /not deleting this VM/);
    assert.deepEqual(vm.api, []);
  });

  it('a delete right after `mymlops cancel`: the shutdown script makes it a cancel', async () => {
    const vm = await fakeVm();
    const { done } = vm.boot({ MYMLOPS_CANCEL_POLL: '600' });
    await until('the job to run', () => vm.console().includes('job: running'));
    vm.attrs['mymlops-cancel'] = 'requested';
    await vm.shutdown();
    await done;
    assert.match(vm.console(), /job: cancelled/);
  });

  it('a SIGTERM to the startup script alone never deletes the VM', async () => {
    const vm = await fakeVm();
    const { child, done } = vm.boot({ JOB_STEPS: '60' });
    await until('the job to run', () => vm.console().includes('job: running'));
    process.kill(child.pid!, 'SIGTERM');
    await done;
    assert.match(vm.console(), /job: done/);
    assert.match(vm.console(), /not deleting this VM/);
    assert.equal(deleted(vm), false, vm.api.join('\n'));
  });

  it("a user's cancel: the marker before the SIGTERM, the job publishes cancelled (2), the VM is deleted", async () => {
    const vm = await fakeVm();
    const { done } = vm.boot();
    await until('the job to run', () => vm.console().includes('job: running'));
    vm.attrs['mymlops-cancel'] = 'requested';
    await done;
    assert.match(vm.console(), /job: cancelled/);
    assert.ok(existsSync(join(vm.dir, 'cancel-requested')));
    assert.ok(deleted(vm), vm.api.join('\n'));
  });

  it('a result not published (4): the VM stops itself; started again it publishes, then deletes itself', async () => {
    const vm = await fakeVm('{"unpublished": true}');
    await vm.boot().done;
    assert.match(vm.console(), /job script exited with code 4/);
    assert.ok(stopped(vm), vm.api.join('\n'));
    assert.equal(deleted(vm), false);
    assert.ok(existsSync(join(vm.dir, 'unpublished')), 'the disk keeps the result');
    // What status reads from the stopped VM (machine metadata, as result.json on the local backend).
    assert.deepEqual(Object.fromEntries(vm.items.map((i) => [i.key, i.value])), {
      'mymlops-publish_error': 'output repository unreachable',
      'mymlops-published': 'false',
    });

    await vm.boot().done; // `instances.start`: the same disk, a new boot
    assert.match(vm.console(), /publishing the result the job kept on this disk/);
    assert.match(vm.console(), /job: publish mode/);
    assert.ok(!existsSync(join(vm.dir, 'unpublished')));
    assert.ok(deleted(vm), vm.api.join('\n'));
  });
});
