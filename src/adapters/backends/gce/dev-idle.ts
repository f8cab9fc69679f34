// Reads what the idle watchdog of a GCE dev VM published (guest attribute `mymlops/idle`, see
// assets/devvm/watchdog.sh) and folds it into the machine: the countdown while it runs, and
// "stopped by the watchdog" (reason `idle`) once it is stopped.
import { parseWatchdogState, type WatchdogState } from '../../../core/devvm/watchdog.js';
import type { LiveMachine } from '../../../core/model.js';
import type { GceClient } from '../../gce/client.js';
import { GceApiError } from '../../gce/errors.js';
import { cachedGuestReading } from '../../store/guest-cache.js';

export const GUEST_ATTRIBUTE = 'mymlops/idle';

/** Where readings are shared (`<home>/cache`) and how long one is used before asking again. */
export interface GuestCache {
  home: string;
  /** Default GUEST_READ_WINDOW_MS (30 s); MYMLOPS_GCE_GUEST_READ_MS shortens it in tests. */
  windowMs?: number | undefined;
}

interface GuestAttributes {
  variableValue?: string;
  queryValue?: { items?: { namespace: string; key: string; value: string }[] };
}

/** The attribute's value; null when not published yet (first boot); undefined when the query failed. */
async function queryIdle(c: GceClient, zone: string, name: string): Promise<string | null | undefined> {
  try {
    const r = await c.request<GuestAttributes>('GET', `zones/${zone}/instances/${name}/getGuestAttributes`, {
      query: { variableKey: GUEST_ATTRIBUTE },
    });
    return r.variableValue ?? null;
  } catch (e) {
    if (e instanceof GceApiError && e.status === 404) return null;
    return undefined; // over the rate, or guest attributes unavailable: keep the last reading
  }
}

/**
 * What the watchdog last published, read at most once per VM every 30 s across every process
 * (the cache under `<home>/cache`), so any number of tabs stays within GCE's 10 queries a minute.
 */
export async function readIdleState(
  c: GceClient,
  zone: string,
  name: string,
  cache: GuestCache,
): Promise<WatchdogState | null> {
  const value = await cachedGuestReading(
    cache.home,
    `${c.project}/${zone}/${name}`,
    () => queryIdle(c, zone, name),
    Date.now,
    cache.windowMs,
  );
  return parseWatchdogState(value);
}

/** The machine with its watchdog state (pure). */
export function withIdle(m: LiveMachine, s: WatchdogState | null): LiveMachine {
  if (!s) return m;
  const stoppedByWatchdog =
    (m.state === 'stopped' || m.state === 'stopping') && (s.state === 'acting' || s.state === 'stopped');
  return {
    ...m,
    reason: stoppedByWatchdog ? 'idle' : m.reason,
    idle:
      m.state === 'running'
        ? {
            idle_seconds: s.idle_seconds,
            stops_in_seconds: s.stops_in_seconds,
            updated_at: s.updated_at,
            state: s.state,
            reasons: s.reasons,
            action: s.action,
          }
        : null,
  };
}

/** Adds watchdog state to every dev VM of a list (at most one API call per dev VM and window). */
export async function withIdleStates(
  c: GceClient,
  machines: LiveMachine[],
  cache: GuestCache,
): Promise<LiveMachine[]> {
  return Promise.all(
    machines.map(async (m) =>
      m.kind === 'start' &&
      m.zone &&
      (m.state === 'running' || m.state === 'stopped' || m.state === 'stopping')
        ? withIdle(m, await readIdleState(c, m.zone, m.name, cache))
        : m,
    ),
  );
}
