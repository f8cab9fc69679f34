// The idle watchdog of dev machines: the script itself is a bash asset (assets/devvm/watchdog.sh)
// because it runs on the VM; this module plans its settings (env vars) and reads its state back.
// Commit machines never run it (a GPU-bound cell must never be cut short).
import type { IdleShutdown } from '../../config/types.js';
import type { IdleReport } from '../model.js';

export interface WatchdogPlace {
  /** gce: publish state to guest attributes and stop/delete the VM through the Compute API. */
  mode: 'gce' | 'local';
  stateFile: string;
  /** Replaces the action (local backend: stop the start command's process group). */
  actionCmd?: string;
}

/** Settings of the watchdog as env vars (pure, see watchdog.sh for their meaning). */
export function watchdogEnv(idle: IdleShutdown, place: WatchdogPlace): Record<string, string> {
  const env: Record<string, string> = {
    MYMLOPS_WD_TIMEOUT: String(Math.max(0, Math.round(idle.timeout))),
    MYMLOPS_WD_INTERVAL: String(idle.interval),
    MYMLOPS_WD_CPU_THRESHOLD: String(idle.cpu_threshold),
    MYMLOPS_WD_GPU_THRESHOLD: String(idle.gpu_threshold),
    MYMLOPS_WD_ACTION: idle.action,
    MYMLOPS_WD_STATE_FILE: place.stateFile,
    MYMLOPS_WD_GCE: place.mode === 'gce' ? '1' : '0',
    MYMLOPS_WD_SSH: idle.count_ssh_sessions,
  };
  if (idle.jupyter_port !== null) env['MYMLOPS_WD_JUPYTER_PORT'] = String(idle.jupyter_port);
  if (place.actionCmd) env['MYMLOPS_WD_ACTION_CMD'] = place.actionCmd;
  return env;
}

/** `export K='v'` lines for a shell script (values single-quoted). */
export function shellExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shQuote(v)}`)
    .join('\n');
}

export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What the watchdog last wrote (state file, or the `mymlops/idle` guest attribute on GCE). */
export interface WatchdogState {
  state: 'busy' | 'idle' | 'acting' | 'stopped';
  idle_seconds: number;
  stops_in_seconds: number | null;
  timeout: number;
  action: string;
  /** Why the machine is not idle, e.g. "cpu=37.5% ssh_sessions=1" (empty when idle). */
  reasons: string;
  updated_at: string;
}

export function parseWatchdogState(text: string | null | undefined): WatchdogState | null {
  if (!text) return null;
  try {
    const j = JSON.parse(text) as Partial<WatchdogState>;
    if (typeof j.state !== 'string' || typeof j.idle_seconds !== 'number' || typeof j.updated_at !== 'string')
      return null;
    return {
      state: j.state,
      idle_seconds: j.idle_seconds,
      stops_in_seconds: typeof j.stops_in_seconds === 'number' ? j.stops_in_seconds : null,
      timeout: typeof j.timeout === 'number' ? j.timeout : 0,
      action: typeof j.action === 'string' ? j.action : 'stop',
      reasons: typeof j.reasons === 'string' ? j.reasons : '',
      updated_at: j.updated_at,
    };
  } catch {
    return null;
  }
}

/** What a listed dev machine shows of the watchdog's last word: only while it runs (a stopped
 * machine's countdown is over). */
export function idleReport(s: WatchdogState | null, running: boolean): IdleReport | null {
  if (!s || !running) return null;
  const { idle_seconds, stops_in_seconds, updated_at, state, reasons, action } = s;
  return { idle_seconds, stops_in_seconds, updated_at, state, reasons, action };
}

/** "idle 23 min, stops in 37 min" / "busy (cpu=40%)" / "stopped (idle)". */
export function describeIdle(s: WatchdogState | null): string {
  if (!s) return '';
  const min = (n: number): string => (n < 120 ? `${Math.round(n)} s` : `${Math.round(n / 60)} min`);
  switch (s.state) {
    case 'busy':
      return `busy (${s.reasons})`;
    case 'idle':
      return `idle ${min(s.idle_seconds)}, ${s.action === 'delete' ? 'deleted' : 'stops'} in ${min(s.stops_in_seconds ?? 0)}`;
    case 'acting':
      return `idle ${min(s.idle_seconds)}, ${s.action === 'delete' ? 'deleting' : 'stopping'}`;
    case 'stopped':
      return 'stopped (idle)';
    default:
      return '';
  }
}
