// What the terminal says while a commit runs. The phase comes from the commit's own steps and from
// the job's `mymlops: …` log lines; the log the user sees drops the job's internal result line and
// progress lines that repeat. Pure: the status line's drawing is src/app/commit/status-line.ts.
import { RESULT_PREFIX } from '../job/script.js';
import type { LaunchStep } from './launch-record.js';

/** The steps of `startCommit` before the job's log exists. */
export type CommitPhase = 'snapshot' | 'pushing' | 'launching';

/** The status line's phase for a launch step of the commit use case (null: no change). */
export function phaseOfStep(s: LaunchStep): CommitPhase | null {
  if (s.step === 'snapshot') return 'snapshot';
  if (s.step === 'push') return 'pushing';
  if (s.step === 'launch') return 'launching';
  return null;
}

export interface Progress {
  phase: string;
  cells: { done: number; total: number } | null;
  /** The last progress (`i/n`) shown in the log, so that an unchanged one is not shown again. */
  shown: string | null;
}

export const initialProgress = (phase = 'starting'): Progress => ({ phase, cells: null, shown: null });

const COMMIT_PHASES: Record<CommitPhase, string> = {
  snapshot: 'taking the snapshot',
  pushing: 'pushing the snapshot',
  launching: 'creating the machine',
};

export function commitPhase(p: Progress, phase: CommitPhase): Progress {
  return { ...p, phase: COMMIT_PHASES[phase] };
}

/**
 * The machine runs; until the job's first line a VM boots, a local job starts. A first boot that
 * installs the GPU driver (core/boot-image.ts installsDriver) says so: it takes minutes.
 */
export function launched(p: Progress, backend: string, installsDriver = false): Progress {
  if (backend === 'local') return { ...p, phase: 'starting the job' };
  return { ...p, phase: installsDriver ? 'installing the GPU driver (first boot)' : 'booting' };
}

/** The notice a backend prints as it asks for a machine in a zone (one attempt per zone). */
export function creatingNotice(machine: string, zone: string, price: string | null): string {
  return `mymlops: creating ${machine} in ${zone}${price ? ` (${price})` : ''}`;
}

const PROGRESS = /^mymlops: progress pushed \((\d+)\/(\d+) cells\)$/;

/** Log lines (and backend notices) that move the phase on; the first that matches wins. */
const PHASES: readonly [RegExp, (m: RegExpExecArray, p: Progress) => string][] = [
  [/^mymlops: creating \S+ in (\S+)/, (m) => `creating the VM in zone ${m[1]}`],
  [/^mymlops: commit \S+: fetching snapshot/, () => 'fetching the snapshot'],
  [/^mymlops: running: /, () => 'running'],
  [PROGRESS, (m) => runningCell(Number(m[1]), Number(m[2]))],
  [/^mymlops: command exited with code/, () => 'saving the result'],
  [/^mymlops: publishing /, () => 'publishing'],
  [/^mymlops: could not publish \(/, () => 'publishing (trying again)'],
  [/^mymlops: (cancel requested|the machine is shutting down)/, () => 'stopping'],
];

function runningCell(done: number, total: number): string {
  return total > 0 ? `running cell ${Math.min(done + 1, total)}/${total}` : 'running';
}

/**
 * One complete line of the job's log (or a notice): the new state, and whether the user sees the
 * line. The result line is the follower's to read, never shown; a progress line is shown only when
 * its count changed, and never on a terminal, where the status line carries it.
 */
export function onLine(p: Progress, line: string, tty: boolean): { state: Progress; show: boolean } {
  if (line.startsWith(RESULT_PREFIX)) return { state: p, show: false };
  let state = p;
  for (const [re, phase] of PHASES) {
    const m = re.exec(line);
    if (m) {
      state = { ...p, phase: phase(m, p) };
      break;
    }
  }
  const pm = PROGRESS.exec(line);
  if (!pm) return { state, show: true };
  const count = `${pm[1]}/${pm[2]}`;
  state = { ...state, cells: { done: Number(pm[1]), total: Number(pm[2]) } };
  if (tty || count === p.shown) return { state, show: false };
  return { state: { ...state, shown: count }, show: true };
}

const PREFIX = 'mymlops: ';

/**
 * The log as the user sees it, chunk by chunk. Lines are judged whole, so a line that may become a
 * `mymlops: ` line waits for its end; any other partial line (a progress bar redrawn with \r) is
 * passed on at once, and the rest of that line with it.
 */
export class LogView {
  private pending = '';
  private midLine = false;

  constructor(
    private readonly tty: boolean,
    public progress: Progress = initialProgress(),
  ) {}

  /** `text` from the log; returns what to print. */
  feed(text: string): string {
    let out = '';
    let rest = text;
    while (rest) {
      if (this.midLine) {
        const nl = rest.indexOf('\n');
        if (nl < 0) return out + rest;
        out += rest.slice(0, nl + 1);
        rest = rest.slice(nl + 1);
        this.midLine = false;
        continue;
      }
      const buf = this.pending + rest;
      this.pending = '';
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (PREFIX.startsWith(buf) || buf.startsWith(PREFIX)) this.pending = buf;
        else {
          this.midLine = true;
          out += buf;
        }
        return out;
      }
      out += this.line(buf.slice(0, nl));
      rest = buf.slice(nl + 1);
    }
    return out;
  }

  /** The log ended: a last line without its newline is judged now. */
  end(): string {
    const last = this.pending;
    this.pending = '';
    this.midLine = false;
    return last ? this.line(last).replace(/\n$/, '') : '';
  }

  /** A notice printed outside the log (a backend's zone attempt): only the phase changes. */
  notice(line: string): void {
    this.progress = onLine(this.progress, line, this.tty).state;
  }

  private line(line: string): string {
    const v = onLine(this.progress, line, this.tty);
    this.progress = v.state;
    return v.show ? `${line}\n` : '';
  }
}

/** `4m 12s`, `1h 3m`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** A rough figure for an estimate: `40s`, `4m`, `2h 10m`. */
export function formatApprox(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}

/** The status line: `running cell 3/16 · 1m 5s · usually ~4m`. */
export function statusText(p: Progress, elapsedSeconds: number, estimateSeconds: number | null): string {
  const usual = estimateSeconds !== null ? ` · usually ~${formatApprox(estimateSeconds)}` : '';
  return `${p.phase} · ${formatDuration(elapsedSeconds)}${usual}`;
}

/** A finished run of a notebook, as far as this machine knows it. */
export interface PastRun {
  notebook: string;
  status: string;
  durationSeconds: number | null;
  /** ISO time; the newest run decides. */
  at: string;
}

/** How long the notebook's newest succeeded run took; null when it never succeeded here. */
export function usualDuration(runs: readonly PastRun[], notebook: string): number | null {
  const ok = runs
    .filter((r) => r.notebook === notebook && r.status === 'succeeded' && r.durationSeconds !== null)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return ok[0]?.durationSeconds ?? null;
}
