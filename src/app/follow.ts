// Following a commit's job until it ends and reporting how it ended — the one copy `commit`,
// `logs -f` and `retry` share. Ctrl-C stops following, never the job (exit 130); so does a closed
// stdout (`mymlops commit … | head -0`), which exits 0 like any read command whose reader left.
import { followLog, type JobOutcome, OutcomeScanner, outcomeLine } from '../core/commit/follow.js';
import { unprintedPart } from '../core/logs/text.js';
import { ExitCode } from '../errors.js';
import { colorErr } from '../util/log.js';
import { setClosedStdoutHandler } from '../util/output.js';
import type { PublishedLog } from '../adapters/output-repo/job-log.js';
import type { LogSource } from './job-target.js';

export interface FollowReport {
  commitId: string;
  /** Follows the log; must return early once `signal` is aborted. */
  follow(signal: AbortSignal): Promise<{ outcome: JobOutcome | null }>;
  /** Printed on stderr after Ctrl-C or a closed stdout (a default line when absent). */
  interrupted?: string;
  /** With --json: this object plus the outcome is printed on stdout, and success stays quiet. */
  json?: Record<string, unknown> | null;
}

/**
 * Resolves when the job succeeded or stdout was closed; throws ExitCode(1) when the job did not
 * succeed, ExitCode(130) on Ctrl-C.
 */
export async function followAndReport(r: FollowReport): Promise<void> {
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
    ({ outcome } = await r.follow(abort.signal));
  } finally {
    process.off('SIGINT', onInt);
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
  if (r.json)
    process.stdout.write(`${JSON.stringify({ ...r.json, ...(outcome ?? { status: 'stopped' }) })}\n`);
  const line = outcomeLine(r.commitId, outcome);
  if (outcome?.status === 'succeeded') {
    if (!r.json) process.stderr.write(`${colorErr.green(`mymlops: ${line}`)}\n`);
    return;
  }
  process.stderr.write(`${colorErr.red(`mymlops: ${line}`)}\n`);
  throw new ExitCode(1);
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
  if (!live) return { outcome: publishedOutcome(await o.source.published()) };
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
  return { outcome: scan(published.log) ?? publishedOutcome(published) };
}

/** How the job ended, from the published metadata.json (null while it is a progress push). */
function publishedOutcome(p: PublishedLog | null): JobOutcome | null {
  const m = p?.metadata;
  if (!m?.status || m.status === 'processing' || m.status === 'provisioning') return null;
  return {
    status: m.status,
    exitCode: m.exit_code ?? null,
    error: m.error ?? null,
    message: m.message ?? null,
    published: true,
  };
}
