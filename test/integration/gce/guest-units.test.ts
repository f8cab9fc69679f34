// A simulated VM shuts down as Debian's google-guest-agent package says (its unit files, extracted
// from the package itself): the startup unit's KillMode signals the script runner alone, the
// shutdown unit's ExecStop runs `shutdown-script` with the metadata server up, and what is left is
// killed at the power-off. A copy of the package with another KillMode changes what the simulator
// does, so its behaviour comes from the files. Also Google's front end: a bodiless POST without
// Content-Length gets 411, and no shipped script sends one.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Instance } from '../../../src/adapters/gce/api-types.js';
import { packagePath } from '../../../src/util/package-root.js';
import {
  ensureGuestAgent,
  guestUnits,
  SHUTDOWN_UNIT,
  STARTUP_UNIT,
  UNIT_DIR,
} from '../../../sim/gce/guest-units.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-guest-units-'));
const GRACE = 8000;
const Z = 'us-west1-b';
let pkg: string;
let real: SimEnv;
let changed: SimEnv;

/** The package's own text of one unit file. */
const unitText = (dir: string, name: string) => readFileSync(join(dir, UNIT_DIR, name), 'utf8');
/** `Key=` of a unit file, read plainly (no parser of ours). */
const key = (text: string, k: string) => [...text.matchAll(new RegExp(`^${k}=(.*)$`, 'gm'))].map((m) => m[1]);

before(async () => {
  pkg = ensureGuestAgent();
  // The same package with the startup unit's KillMode changed: the simulator must follow it.
  const copy = join(tmp, 'guest-agent-control-group');
  cpSync(pkg, copy, { recursive: true });
  const file = join(copy, UNIT_DIR, STARTUP_UNIT);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^KillMode=.*$/m, 'KillMode=control-group'));
  real = await startSim(join(tmp, 'real'), { spotGraceMs: GRACE, standardGraceMs: GRACE });
  changed = await startSim(join(tmp, 'changed'), {
    spotGraceMs: GRACE,
    standardGraceMs: GRACE,
    guestAgentDir: copy,
  });
});
after(async () => {
  await real?.close();
  await changed?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const api = async (s: SimEnv, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${s.sim.computeBase}projects/p/${path}`, {
    method,
    headers: { Authorization: 'Bearer t' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as { status?: string } };
};

// The startup script starts a job in the background (as commit-startup.sh does) and both record any
// SIGTERM; the shutdown script records what it can see: the metadata server, and whether they live.
const STARTUP = `#!/bin/bash
R="$MYMLOPS_VM_ROOT"
exec >>"$R/out" 2>&1 # as the prelude does: a write to the runner's pipe after it died would be a SIGPIPE
trap 'echo "startup script: TERM" >> "$R/events"; exit 0' TERM
( trap 'echo "job: TERM" >> "$R/events"; exit 0' TERM; while :; do sleep 0.1; done ) &
echo $! > "$R/job.pid"; echo $$ > "$R/startup.pid"
echo up >> "$R/events"
while :; do sleep 0.1; done
`;
const SHUTDOWN = `#!/bin/bash
R="$MYMLOPS_VM_ROOT"
alive() { kill -0 "$(cat "$R/$1.pid")" 2>/dev/null && echo alive || echo gone; }
name="$(curl -sf -H 'Metadata-Flavor: Google' "http://$GCE_METADATA_HOST/computeMetadata/v1/instance/name")"
sleep 0.3 # the startup unit is stopped at the same time: let its signals land
echo "shutdown script: metadata says $name; startup script $(alive startup), job $(alive job)" >> "$R/events"
`;
const vm = (name: string): Instance => ({
  name,
  machineType: `zones/${Z}/machineTypes/e2-medium`,
  disks: [{ boot: true, initializeParams: { sourceSnapshot: 'global/snapshots/s' } }],
  metadata: {
    items: [
      { key: 'startup-script', value: STARTUP },
      { key: 'shutdown-script', value: SHUTDOWN },
    ],
  },
});
const sandbox = (s: SimEnv, name: string) => s.sim.compute.world.instances.get(`${Z}/${name}`)!.sandbox;
const events = (s: SimEnv, name: string) => {
  try {
    return readFileSync(join(sandbox(s, name), 'events'), 'utf8');
  } catch {
    return '';
  }
};
/** Whether the process a pid file names still runs (a killed one may be a zombie until reaped). */
const running = (file: string) => {
  try {
    const stat = readFileSync(`/proc/${readFileSync(file, 'utf8').trim()}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** Boots a VM, stops it with instances.stop, and returns what its scripts saw. */
async function stopped(s: SimEnv, name: string): Promise<string> {
  assert.equal((await api(s, 'POST', `zones/${Z}/instances`, vm(name))).status, 200);
  await waitFor(() => events(s, name).includes('up'), { what: `${name} to run its startup script` });
  const t0 = Date.now();
  assert.equal((await api(s, 'POST', `zones/${Z}/instances/${name}/stop`)).status, 200);
  await waitFor(
    async () => (await api(s, 'GET', `zones/${Z}/instances/${name}`)).body.status === 'TERMINATED',
    {
      what: `${name} to power off`,
      timeoutMs: GRACE + 5000,
    },
  );
  assert.ok(Date.now() - t0 < GRACE, 'powered off once both units had stopped, not at the grace');
  for (const p of ['startup.pid', 'job.pid'])
    await waitFor(() => !running(join(sandbox(s, name), p)), {
      what: `${p}: everything is killed at the power-off`,
      timeoutMs: 2000,
    });
  return events(s, name);
}

describe("guest shutdown as google-guest-agent's unit files say", () => {
  it('the simulator reads KillMode, ExecStart and ExecStop from the package', () => {
    const units = guestUnits(pkg);
    const startup = unitText(pkg, STARTUP_UNIT);
    const shutdown = unitText(pkg, SHUTDOWN_UNIT);
    assert.deepEqual(key(startup, 'KillMode'), [units.startup.killMode]);
    assert.deepEqual(key(shutdown, 'KillMode'), [units.shutdown.killMode]);
    assert.deepEqual(
      key(startup, 'ExecStart'),
      units.startup.execStart.map((c) => c.join(' ')),
    );
    assert.deepEqual(key(startup, 'ExecStop'), []);
    assert.deepEqual(
      key(shutdown, 'ExecStop'),
      units.shutdown.execStop.map((c) => c.join(' ')),
    );
    // What mymlops's shutdown-script is built on: only the runner is signalled, and the shutdown
    // script is the runner's `shutdown` mode.
    assert.equal(units.startup.killMode, 'process');
    assert.match(key(shutdown, 'ExecStop')[0] ?? '', /google_metadata_script_runner shutdown$/);
  });

  it('KillMode=process: a stop signals the runner alone; the shutdown script runs with the metadata server up', async () => {
    const seen = await stopped(real, 'by-the-package');
    assert.match(seen, /shutdown script: metadata says by-the-package; startup script alive, job alive/);
    assert.doesNotMatch(seen, /TERM/, 'neither the startup script nor its job got a SIGTERM');
    assert.match(
      real.sim.compute.world.instances.get(`${Z}/by-the-package`)!.serial.read(0).contents,
      /startup-script: |Found startup-script in metadata/,
    );
  });

  it('the same package with KillMode=control-group: the startup script and its job get SIGTERM', async () => {
    const seen = await stopped(changed, 'control-group');
    assert.match(seen, /startup script: TERM/);
    assert.match(seen, /job: TERM/);
  });
});

describe("Google's front end", () => {
  /** A raw request: fetch and node:http always say a length; curl's `-X POST` with no data does not. */
  const raw = (s: SimEnv, extra: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const socket = connect(s.sim.port, '127.0.0.1');
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        // One answer is all this asks for: its head and a body of the length it gives.
        const head = text.indexOf('\r\n\r\n');
        const length = Number(/^content-length: *(\d+)/im.exec(text)?.[1] ?? -1);
        if (head >= 0 && Buffer.byteLength(text.slice(head + 4)) >= length) {
          socket.end();
          resolve({ status: Number(text.split(' ')[1]), text });
        }
      });
      socket.on('error', reject);
      socket.write(
        `POST /compute/v1/projects/p/zones/${Z}/instances/x/stop HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n${extra}\r\n`,
      );
    });

  it('a bodiless POST without Content-Length gets 411 (an HTML page); with Content-Length: 0 it reaches the API', async () => {
    const bare = await raw(real, '');
    assert.equal(bare.status, 411, bare.text);
    assert.match(bare.text, /^content-type: text\/html/im);
    assert.match(bare.text, /411.*Length Required/);
    const valid = await raw(real, 'Content-Length: 0\r\n');
    assert.equal(valid.status, 404, 'the API answers (no such VM)');
  });

  it('no shipped script sends a POST without a body or a Content-Length', () => {
    const dirs = ['gce', 'devvm', 'job'].map((d) => packagePath('assets', d));
    const files = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
    let curls = 0;
    for (const file of files.filter((f) => existsSync(f) && /\.(sh|py)$/.test(f))) {
      // One command per line once continuations are joined; curl's method comes from -X.
      const lines = readFileSync(file, 'utf8')
        .replace(/\\\n/g, ' ')
        .split('\n')
        .filter((l) => !l.trim().startsWith('#'));
      for (const line of lines) {
        for (const cmd of line.split(/;|&&|\|\||\bthen\b|\belse\b/).filter((c) => /\bcurl\b/.test(c))) {
          curls++;
          const method = /-X\s+("?\$?\w+"?|'\w+')/.exec(cmd)?.[1]?.replace(/["']/g, '');
          if (!method || method === 'GET' || method === 'DELETE') continue;
          assert.match(
            cmd,
            /--data(-binary|-raw)?\s|\s-d\s|Content-Length: 0/,
            `${file}: a ${method} without a body or Content-Length: ${cmd.trim()}`,
          );
        }
      }
    }
    assert.ok(curls >= 8, `found the scripts' curl calls (${curls})`);
  });
});
