// Following a commit's job until it ends and reporting how it ended — the one copy `commit`,
// `logs -f` and `retry` share. Ctrl-C stops following, never the job (exit 130); so does a closed
// stdout (`mymlops commit … | head -0`), which exits 0 like any read command whose reader left.
// The log is shown through a LogView (no result line, no repeated progress); on a terminal one
// status line under it says the phase, the time so far and how long the notebook usually takes.
import { diskIsFull } from '../../util/disk.js';
import { followLog, OutcomeScanner } from '../../core/commit/follow.js';
import { type JobOutcome, jobVerdict, publishedOutcome, type RunFacts } from '../../core/commit/outcome.js';
import {
  type CommitPhase,
  commitPhase,
  initialProgress,
  launched,
  LogView,
  statusText,
} from '../../core/commit/progress-line.js';
import { unprintedPart } from '../../core/logs/text.js';
import { EXIT, ExitCode } from '../../errors.js';
import { colorErr } from '../../util/log.js';
import { StreamRedactor } from '../../util/redact.js';
import { setClosedStdoutHandler } from '../../util/output.js';
import { mymlopsHome } from '../../util/paths.js';
import type { LogSource } from '../results/job-target.js';
import { rememberOutcome } from './run-estimate.js';
import { StatusLine } from './status-line.js';

/** What the user sees while a job is followed: the log (filtered) and, on a terminal, a status line. */
export interface FollowView {
  /** Text of the job's log. */
  write(text: string): void;
  /** A step of the commit before the job runs. */
  phase(p: CommitPhase): void;
  /** The machine runs (the backend's kind; whether its first boot installs the GPU driver). */
  launched(backend: string, installsDriver?: boolean): void;
  /** "usually ~4m" from here on (null: never succeeded here). */
  estimate(seconds: number | null): void;
  /** Prints what the log still holds back and removes the status line. */
  close(): void;
}

export function followView(o: {
  /** The status line is drawn (stderr is a terminal). */
  tty: boolean;
  /** --json: no log at all. */
  quiet?: boolean;
  /** ms since the epoch the elapsed time counts from (default: now). */
  since?: number;
  estimateSeconds?: number | null;
  phase?: string;
}): FollowView {
  const log = new LogView(o.tty, initialProgress(o.phase));
  // The log arrives in pieces: a secret split across two (or printed a character at a time) must
  // still reach the terminal redacted.
  const redacted = new StreamRedactor();
  const since = o.since ?? Date.now();
  let usual = o.estimateSeconds ?? null;
  const line =
    o.tty && !o.quiet
      ? new StatusLine(
          () => statusText(log.progress, (Date.now() - since) / 1000, usual),
          (l) => log.notice(l),
        ).start()
      : null;
  return {
    write(text) {
      if (o.quiet) return;
      const shown = redacted.push(log.feed(text));
      if (shown) process.stdout.write(shown);
      line?.refresh();
    },
    phase(p) {
      log.progress = commitPhase(log.progress, p);
      line?.refresh();
    },
    launched(backend, installsDriver) {
      log.progress = launched(log.progress, backend, installsDriver);
      line?.refresh();
    },
    estimate(seconds) {
      usual = seconds;
      line?.refresh();
    },
    close() {
      const held = redacted.flush();
      const rest = o.quiet ? '' : log.end();
      if (held || rest) process.stdout.write(`${held}${rest ? `${rest}\n` : ''}`);
      line?.stop();
    },
  };
}

export interface FollowReport {
  commitId: string;
  /** Follows the log, writing it through `write`; must return early once `signal` is aborted. */
  follow(signal: AbortSignal, write: (text: string) => void): Promise<{ outcome: JobOutcome | null }>;
  /** Printed on stderr after Ctrl-C or a closed stdout (a default line when absent). */
  interrupted?: string;
  /** With --json: this object plus the outcome is printed on stdout, and success stays quiet. */
  json?: Record<string, unknown> | null;
  /** The view already shown (commit draws its status line from the snapshot on). */
  view?: FollowView;
  /** ms since the epoch the job was launched, for the elapsed time of a view made here. */
  since?: number;
  facts?: RunFacts;
  home?: string;
}

/**
 * Resolves when the job succeeded or stdout was closed; throws ExitCode(1) when the job did not
 * succeed, ExitCode(130) on Ctrl-C.
 */
export async function followAndReport(r: FollowReport): Promise<void> {
  const view =
    r.view ??
    followView({
      tty: Boolean(process.stderr.isTTY),
      quiet: Boolean(r.json),
      phase: 'following the log',
      ...(r.since !== undefined ? { since: r.since } : {}),
    });
  const abort = new AbortController();
  let why: 'sigint' | 'stdout' | null = null;
  const onInt = () => {
    why ??= 'sigint';
    abort.abort();
  };
  process.once('SIGINT', onInt);
  setClosedStdoutHandler(() => {
    why ??= 'stdout';
    abort.abort();
  });
  let outcome: JobOutcome | null;
  try {
    ({ outcome } = await r.follow(abort.signal, (t) => view.write(t)));
  } finally {
    process.off('SIGINT', onInt);
    view.close();
  }
  if (abort.signal.aborted) {
    process.stderr.write(
      r.interrupted ??
        `\nstopped following commit ${r.commitId}; the job goes on — follow it: mymlops logs ${r.commitId} -f\n`,
    );
    if (why === 'stdout') return;
    throw new ExitCode(130);
  }
  setClosedStdoutHandler(null);
  const home = r.home ?? mymlopsHome();
  rememberOutcome(home, r.commitId, outcome);
  // No result at all: a job on a full disk could not write one (not a kill).
  const facts = !outcome && diskIsFull(home) ? { ...r.facts, fullDisk: home } : r.facts;
  const v = jobVerdict(r.commitId, outcome, facts);
  if (r.json)
    process.stdout.write(`${JSON.stringify({ ...r.json, ...(outcome ?? { status: v.status }) })}\n`);
  if (v.exitCode === EXIT.ok) {
    if (!r.json) process.stderr.write(`${colorErr.green(`mymlops: ${v.line}`)}\n`);
    return;
  }
  process.stderr.write(`${colorErr.red(`mymlops: ${v.line}`)}\n`);
  throw new ExitCode(v.exitCode);
}

/**
 * `logs -f`: the live machine's log from `from` on, and once the machine is gone without the
 * job's last lines (a deleted VM's serial port), the rest from the published job.log — lined up
 * with what was printed, or all of it with a note. Without a live machine the published log
 * (already printed by the caller as `printed`) is all there is.
 */
export async function followWithFallback(o: {
  source: LogSource;
  printed: string;
  from: number;
  write(text: string): void;
  signal: AbortSignal;
  firstWrite: string;
}): Promise<{ outcome: JobOutcome | null }> {
  const scan = (text: string) => {
    const s = new OutcomeScanner();
    s.feed(text);
    s.end();
    return s.outcome;
  };
  const live = o.source.live;
  if (!live) return { outcome: publishedOutcome((await o.source.published())?.metadata) };
  o.write(o.firstWrite);
  let printed = o.printed;
  const r = await followLog(live.backend, live.rec.machine, {
    from: o.from,
    write: (t) => {
      printed += t;
      o.write(t);
    },
    signal: o.signal,
  });
  const seen = scan(printed);
  if (seen || o.signal.aborted) return { outcome: seen ?? r.outcome };
  const published = await o.source.published().catch(() => null);
  if (!published) return r;
  const rest = unprintedPart(printed, published.log);
  if (!rest.lined)
    process.stderr.write(
      `${colorErr.dim('mymlops: the machine is gone; its published job.log follows in full')}\n`,
    );
  o.write(rest.text);
  return { outcome: scan(published.log) ?? publishedOutcome(published.metadata) };
}
