// The guest agent's systemd units, as Debian's `google-guest-agent` package ships them: the simulator
// runs a VM's startup and shutdown scripts with what these files say (ExecStart, ExecStop, KillMode,
// TimeoutStopSec), read from the package itself so it cannot drift from it. The package is fetched
// once (`apt-get download` + `dpkg -x`) into `.cache/google-guest-agent/` of this checkout, or the
// folder `GCE_SIM_GUEST_AGENT_DIR` names. `node --import tsx sim/gce/guest-units.ts` fetches it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE = 'google-guest-agent';
export const UNIT_DIR = 'lib/systemd/system';
export const STARTUP_UNIT = 'google-startup-scripts.service';
export const SHUTDOWN_UNIT = 'google-shutdown-scripts.service';

/** systemd.kill(5): which of a unit's processes its stop signals. */
export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';

export interface ScriptUnit {
  name: string;
  /** ExecStart= / ExecStop= command lines, split on whitespace (these units quote nothing). */
  execStart: string[][];
  execStop: string[][];
  killMode: KillMode;
  /** TimeoutStopSec= (systemd's default is 90 s). */
  timeoutStopMs: number;
}

export interface GuestUnits {
  startup: ScriptUnit;
  shutdown: ScriptUnit;
}

/** Each section's `Key=value` lines, in order (a key may repeat: ExecStart=, ExecStop=). */
export function parseUnit(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  // A line ending in a backslash continues on the next one (systemd.syntax(7)).
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = sections.get(section[1]!) ?? [];
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !current) continue;
    current.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return sections;
}

/** systemd.time(7) for the forms these units use: `90s`, `90`, `1min 30s`, `infinity`. */
export function parseSeconds(v: string): number {
  if (v === 'infinity') return Number.POSITIVE_INFINITY;
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?/g)) {
    const n = Number(m[1]);
    const unit = m[2] ?? 's';
    total +=
      unit === 'ms'
        ? n
        : unit === 'min' || unit === 'm'
          ? n * 60_000
          : unit === 'h'
            ? n * 3_600_000
            : n * 1000;
  }
  return total;
}

const KILL_MODES: KillMode[] = ['control-group', 'mixed', 'process', 'none'];

export function scriptUnit(name: string, text: string): ScriptUnit {
  const service = parseUnit(text).get('Service') ?? [];
  const all = (k: string) => service.filter(([key]) => key === k).map(([, v]) => v);
  const one = (k: string) => all(k).pop();
  // An empty assignment resets the list (systemd.service(5)).
  const commands = (k: string) => {
    const out: string[][] = [];
    for (const v of all(k)) {
      if (v === '') out.length = 0;
      else out.push(v.replace(/^[-@:+!]+/, '').split(/\s+/));
    }
    return out;
  };
  const killMode = (one('KillMode') ?? 'control-group') as KillMode;
  if (!KILL_MODES.includes(killMode)) throw new Error(`${name}: unknown KillMode=${killMode}`);
  const timeout = one('TimeoutStopSec') ?? one('TimeoutSec');
  return {
    name,
    execStart: commands('ExecStart'),
    execStop: commands('ExecStop'),
    killMode,
    timeoutStopMs: timeout === undefined ? 90_000 : parseSeconds(timeout),
  };
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the extracted package is (its root holds lib/systemd/system/…). */
export function guestAgentDir(): string {
  return process.env['GCE_SIM_GUEST_AGENT_DIR'] || join(repoRoot, '.cache', PACKAGE);
}

/** Fetches and extracts Debian's package into `dir` unless it is there already. */
export function ensureGuestAgent(dir = guestAgentDir()): string {
  if (existsSync(join(dir, UNIT_DIR, STARTUP_UNIT))) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  // Extracted beside its final place and renamed: simulators starting at once never see half a package.
  const work = mkdtempSync(`${dir}.tmp-`);
  try {
    try {
      execFileSync('apt-get', ['download', PACKAGE], { cwd: work, stdio: 'pipe' });
    } catch (e) {
      const err = (e as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(
        `cannot download Debian's ${PACKAGE} (the simulator reads its unit files): ${err || (e as Error).message} — run \`apt-get update\` first`,
      );
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${PACKAGE} left no .deb in ${work}`);
    execFileSync('dpkg', ['-x', join(work, deb), join(work, 'root')], { stdio: 'pipe' });
    try {
      renameSync(join(work, 'root'), dir);
    } catch (e) {
      if (!existsSync(join(dir, UNIT_DIR, STARTUP_UNIT))) throw e; // another simulator won the race
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

const loaded = new Map<string, GuestUnits>();

/** The startup and shutdown script units of the package in `dir` (fetched on first use). */
export function guestUnits(dir = guestAgentDir()): GuestUnits {
  const cached = loaded.get(dir);
  if (cached) return cached;
  ensureGuestAgent(dir);
  const read = (name: string) => scriptUnit(name, readFileSync(join(dir, UNIT_DIR, name), 'utf8'));
  const units = { startup: read(STARTUP_UNIT), shutdown: read(SHUTDOWN_UNIT) };
  loaded.set(dir, units);
  return units;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(ensureGuestAgent());
}
