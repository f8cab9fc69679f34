// The one way tests wait: poll a condition until it holds or a deadline passes, and fail naming
// what was awaited. A test that must show something does NOT happen waits for a later event that
// proves enough time or progress has passed (a later log line, a later poll), never for a fixed time.

export interface WaitOptions {
  /** What is awaited, as the failure message says it: "the job to finish". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Extra text for the failure message (a log so far, the last value seen). */
  detail?: () => string;
}

/**
 * Resolves with the first value of `fn` that is not `undefined`, `null` or `false` (so a
 * condition can return `true` or the thing it found); rejects after `timeoutMs` (30 s).
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { what, timeoutMs = 30_000, intervalMs = 50, detail }: WaitOptions,
): Promise<Exclude<T, undefined | null | false>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
    if (Date.now() > end) {
      const more = detail?.();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${more ? `\n${more}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
