// Reads what the idle watchdog of a GCE dev VM published (guest attribute `mymlops/idle`, see
// assets/devvm/watchdog.sh) and folds it into the machine: the countdown while it runs, and
// "stopped by the watchdog" (reason `idle`) once it is stopped.
import { parseWatchdogState, type WatchdogState } from '../../../core/devvm/watchdog.js';
import type { LiveMachine } from '../../../core/model.js';
import type { GceClient } from '../../gce/client.js';

export const GUEST_ATTRIBUTE = 'mymlops/idle';

interface GuestAttributes {
  variableValue?: string;
  queryValue?: { items?: { namespace: string; key: string; value: string }[] };
}

export async function readIdleState(c: GceClient, zone: string, name: string): Promise<WatchdogState | null> {
  try {
    const r = await c.request<GuestAttributes>('GET', `zones/${zone}/instances/${name}/getGuestAttributes`, {
      query: { variableKey: GUEST_ATTRIBUTE },
    });
    return parseWatchdogState(r.variableValue ?? null);
  } catch {
    // Not published yet (first boot), or guest attributes unavailable: no countdown.
    return null;
  }
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

/** Adds watchdog state to every dev VM of a list (one API call per dev VM; dev VMs are few). */
export async function withIdleStates(c: GceClient, machines: LiveMachine[]): Promise<LiveMachine[]> {
  return Promise.all(
    machines.map(async (m) =>
      m.kind === 'start' &&
      m.zone &&
      (m.state === 'running' || m.state === 'stopped' || m.state === 'stopping')
        ? withIdle(m, await readIdleState(c, m.zone, m.name))
        : m,
    ),
  );
}
