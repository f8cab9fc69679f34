// Which Compute Engine answers are worth asking again, and how long to wait between tries: capped
// exponential backoff with jitter inside a total time budget (Google's advice for 429 and 5xx). A
// budget rather than a count, so a follower rides out a burst of 502s or a restarting proxy but a
// real outage is said within a minute instead of hanging.
import { STATUS_CODES } from 'node:http';
import { envValue } from '../../util/env.js';

export interface RetryPolicy {
  /** First wait, doubled every try. */
  baseMs: number;
  /** Longest single wait. */
  capMs: number;
  /** No new try starts after this much time since the first one. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, capMs: 8_000, budgetMs: 60_000 };

/** Time as the retry loop sees it; tests pass a fake one so no test sleeps. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1). */
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/** The default policy; MYMLOPS_GCE_RETRY_BUDGET_MS shortens the budget (tests of a lasting outage). */
export function retryPolicy(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const budget = Number(envValue('MYMLOPS_GCE_RETRY_BUDGET_MS', env));
  return Number.isFinite(budget) && budget >= 0 ? { ...DEFAULT_RETRY, budgetMs: budget } : DEFAULT_RETRY;
}

/** The wait before try `attempt + 1` (0-based): half fixed, half random ("equal jitter"). */
export function backoffMs(attempt: number, p: RetryPolicy, random: () => number): number {
  const d = Math.min(p.capMs, p.baseMs * 2 ** attempt);
  return Math.round(d / 2 + (random() * d) / 2);
}

/** HTTP statuses that say "ask again later", not "your request is wrong". */
export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** "502 Bad Gateway". */
export function statusDetail(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : `HTTP ${status}`;
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  EAI_AGAIN: 'name lookup failed',
  ENOTFOUND: 'name lookup failed',
  UND_ERR_SOCKET: 'connection reset',
};

/** A short, user-readable cause of a failed request (the transport's error code when it has one). */
export function networkDetail(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && NETWORK[code]) return NETWORK[code];
  const msg = e instanceof Error ? e.message : String(e);
  if (/socket hang up/i.test(msg)) return 'connection reset';
  return msg || 'no answer';
}

/** Waits and returns true while the budget allows another try; false when it is spent. */
export async function backoff(
  attempt: number,
  startedAt: number,
  p: RetryPolicy,
  clock: Clock,
): Promise<boolean> {
  const wait = backoffMs(attempt, p, clock.random);
  if (clock.now() + wait - startedAt > p.budgetMs) return false;
  await clock.sleep(wait);
  return true;
}
