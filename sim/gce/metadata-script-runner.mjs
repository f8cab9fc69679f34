// The simulator's google_metadata_script_runner (`node metadata-script-runner.mjs startup|shutdown`),
// behaving as the guest agent's runner does (GoogleCloudPlatform/guest-agent,
// google_metadata_script_runner/main.go): it reads `<prefix>-script` from the metadata server, writes
// it to a fresh temporary folder, runs it as `/bin/bash -c FILE` (the default_shell) with stdout and
// stderr on one pipe it reads, logs each line as `<key>: <line>`, and waits for it. It installs no
// signal handler: a SIGTERM ends the runner alone (Go's default), the script it started is not
// signalled and its output pipe loses its reader. Plain JavaScript so it runs without a loader.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const prefix = process.argv[2];
if (prefix !== 'startup' && prefix !== 'shutdown') {
  console.log(`No valid arguments specified. Specify one of "startup" or "shutdown"`);
  process.exit(2);
}
const log = (line) => process.stdout.write(`google_metadata_script_runner: ${line}\n`);
const host = process.env.GCE_METADATA_HOST || 'metadata.google.internal';
const key = `${prefix}-script`;

async function attribute(name) {
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`http://${host}/computeMetadata/v1/instance/attributes/${name}`, {
        headers: { 'Metadata-Flavor': 'Google' },
      });
      if (r.status === 404) return undefined;
      if (r.ok) return await r.text();
    } catch {
      // the metadata server is not answering yet: ask again
    }
    if (i >= 10) throw new Error(`cannot read ${name} from the metadata server`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

log(`Starting ${prefix} scripts.`);
const value = await attribute(key);
if (value === undefined) {
  log(`No ${prefix} scripts to run.`);
  process.exit(0);
}
log(`Found ${key} in metadata.`);
// The real runner's run_dir is the OS's temporary folder; a simulated VM's is inside its sandbox.
const tmpRoot = join(process.env.MYMLOPS_VM_ROOT || '/', 'tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'metadata-scripts'));
const file = join(dir, key);
writeFileSync(file, value.replace(/^[ \n\v\f\t\r]+/, ''), { mode: 0o755 });
const child = spawn('/bin/bash', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
let open = 2;
const done = new Promise((r) => {
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${key}: ${line}\n`));
    stream.on('close', () => --open === 0 && r());
  }
});
const code = await new Promise((r) => child.on('close', (c) => r(c)));
await done;
rmSync(dir, { recursive: true, force: true });
log(code === 0 ? `${key} exit status 0` : `Script "${key}" failed with error: exit status ${code}`);
log(`Finished running ${prefix} scripts.`);
