// Reads what a GCE dev VM published in its guest attributes (one call for the namespace
// `mymlops/`): the idle watchdog's state (`mymlops/idle`, assets/devvm/watchdog.sh) and the start
// command's (`mymlops/dev`, assets/devvm/start.sh), and folds them into the machine: the countdown
// while it runs, "stopped by the watchdog" (reason `idle`) once stopped, a command that exited or
// whose startup failed (with the console's last lines). Readings are shared through a cache so
// any number of tabs and processes stays within GCE's 10 guest-attribute queries a minute per VM.
import { DEV_GUEST_ATTRIBUTE, commandEnded, logTail, parseDevState } from '../../../core/devvm/dev-state.js';
import { idleReport, parseWatchdogState, type WatchdogState } from '../../../core/devvm/watchdog.js';
import type { DevCommandState, DevMachine, Machine } from '../../../core/model.js';
import { isHalted, isRunning } from '../../../core/machine-state.js';
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

export interface GuestStates {
  idle: WatchdogState | null;
  dev: DevCommandState | null;
}

/**
 * The namespace's items as JSON; null when nothing is published yet (first boot); undefined when
 * the query failed (over the rate, or guest attributes unavailable): the last reading is kept.
 */
async function queryNamespace(c: GceClient, zone: string, name: string): Promise<string | null | undefined> {
  try {
    const r = await c.request<GuestAttributes>('GET', `zones/${zone}/instances/${name}/getGuestAttributes`, {
      query: { queryPath: 'mymlops/' },
      // Over GCE's 10 queries a minute per VM, asking again only spends more of them: the last
      // reading is kept instead.
      retry: false,
    });
    return JSON.stringify(r.queryValue?.items ?? []);
  } catch (e) {
    if (e instanceof GceApiError && e.status === 404) return null;
    return undefined;
  }
}

export async function readGuestStates(
  c: GceClient,
  zone: string,
  name: string,
  cache: GuestCache,
): Promise<GuestStates> {
  const raw = await cachedGuestReading(
    cache.home,
    `${c.project}/${zone}/${name}`,
    () => queryNamespace(c, zone, name),
    Date.now,
    cache.windowMs,
  );
  let items: { namespace: string; key: string; value: string }[] = [];
  try {
    items = raw ? JSON.parse(raw) : [];
  } catch {
    items = [];
  }
  const value = (k: string) => items.find((i) => `${i.namespace}/${i.key}` === k)?.value ?? null;
  return { idle: parseWatchdogState(value(GUEST_ATTRIBUTE)), dev: parseDevState(value(DEV_GUEST_ATTRIBUTE)) };
}

/** The machine with its watchdog and command state (pure). */
export function withIdle(
  m: DevMachine,
  idle: WatchdogState | null,
  dev: DevCommandState | null = null,
): DevMachine {
  const stopped = isHalted(m);
  // A preemption or the user's stop says more than the watchdog's last word.
  const stoppedByWatchdog =
    stopped && m.reason === 'stopped' && (idle?.state === 'acting' || idle?.state === 'stopped');
  return {
    ...m,
    reason: stoppedByWatchdog ? 'idle' : m.reason,
    ...(dev ? { dev } : {}),
    idle: idleReport(idle, isRunning(m)),
  };
}

async function consoleTail(c: GceClient, zone: string, name: string): Promise<string[]> {
  try {
    return logTail((await c.serialPort(zone, name, -8192)).contents);
  } catch {
    return [];
  }
}

/** Adds guest states to every dev VM of a list (at most one API call per dev VM and window). */
export async function withIdleStates(
  c: GceClient,
  machines: Machine[],
  cache: GuestCache,
): Promise<Machine[]> {
  return Promise.all(
    machines.map(async (m) => {
      if (m.kind !== 'start' || !m.zone || !(isRunning(m) || isHalted(m))) return m;
      const g = await readGuestStates(c, m.zone, m.name, cache);
      // The console's last lines only for a running VM whose command has ended (one more call).
      if (g.dev && commandEnded(g.dev) && isRunning(m)) g.dev.log_tail = await consoleTail(c, m.zone, m.name);
      return withIdle(m, g.idle, isRunning(m) ? g.dev : null);
    }),
  );
}
