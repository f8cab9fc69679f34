// Reads what a GCE dev VM published in its guest attributes (one call for the namespace
// `mymlops/`): the idle watchdog's state (`mymlops/idle`, assets/devvm/watchdog.sh) and the start
// command's (`mymlops/dev`, assets/devvm/start.sh), and folds them into the machine: the countdown
// while it runs, "stopped by the watchdog" (reason `idle`) once stopped, a command that exited or
// whose startup failed (with the console's last lines).
import { DEV_GUEST_ATTRIBUTE, commandEnded, logTail, parseDevState } from '../../../core/devvm/dev-state.js';
import { parseWatchdogState, type WatchdogState } from '../../../core/devvm/watchdog.js';
import type { DevCommandState, LiveMachine } from '../../../core/model.js';
import type { GceClient } from '../../gce/client.js';

export const GUEST_ATTRIBUTE = 'mymlops/idle';

interface GuestAttributes {
  variableValue?: string;
  queryValue?: { items?: { namespace: string; key: string; value: string }[] };
}

export interface GuestStates {
  idle: WatchdogState | null;
  dev: DevCommandState | null;
}

export async function readGuestStates(c: GceClient, zone: string, name: string): Promise<GuestStates> {
  try {
    const r = await c.request<GuestAttributes>('GET', `zones/${zone}/instances/${name}/getGuestAttributes`, {
      query: { queryPath: 'mymlops/' },
    });
    const value = (k: string) =>
      r.queryValue?.items?.find((i) => `${i.namespace}/${i.key}` === k)?.value ?? null;
    return {
      idle: parseWatchdogState(value(GUEST_ATTRIBUTE)),
      dev: parseDevState(value(DEV_GUEST_ATTRIBUTE)),
    };
  } catch {
    // Not published yet (first boot), or guest attributes unavailable: no countdown.
    return { idle: null, dev: null };
  }
}

/** The machine with its watchdog and command state (pure). */
export function withIdle(
  m: LiveMachine,
  s: WatchdogState | null,
  dev: DevCommandState | null = null,
): LiveMachine {
  const stopped = m.state === 'stopped' || m.state === 'stopping';
  // A preemption or the user's stop says more than the watchdog's last word.
  const stoppedByWatchdog =
    stopped && m.reason === 'stopped' && (s?.state === 'acting' || s?.state === 'stopped');
  return {
    ...m,
    reason: stoppedByWatchdog ? 'idle' : m.reason,
    ...(dev ? { dev } : {}),
    idle:
      s && m.state === 'running'
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

async function consoleTail(c: GceClient, zone: string, name: string): Promise<string[]> {
  try {
    return logTail((await c.serialPort(zone, name, -8192)).contents);
  } catch {
    return [];
  }
}

/** Adds guest states to every dev VM of a list (one API call per dev VM; dev VMs are few). */
export async function withIdleStates(c: GceClient, machines: LiveMachine[]): Promise<LiveMachine[]> {
  return Promise.all(
    machines.map(async (m) => {
      if (
        m.kind !== 'start' ||
        !m.zone ||
        (m.state !== 'running' && m.state !== 'stopped' && m.state !== 'stopping')
      )
        return m;
      const g = await readGuestStates(c, m.zone, m.name);
      // The console's last lines only for a running VM whose command has ended (one more call).
      if (g.dev && commandEnded(g.dev) && m.state === 'running')
        g.dev.log_tail = await consoleTail(c, m.zone, m.name);
      return withIdle(m, g.idle, m.state === 'running' ? g.dev : null);
    }),
  );
}
