// What the dev script reports about its start command ($J/dev-state.json; on GCE also the guest
// attribute mymlops/dev) and how a dev machine's state reads in `status` and the dashboard. Pure.
import type { DevCommandState, MachineState } from '../model.js';
import { isRunning, isStopped } from '../machine-state.js';

export const DEV_GUEST_ATTRIBUTE = 'mymlops/dev';

/** How many log lines `status` shows under a machine whose command exited or failed. */
export const LOG_TAIL_LINES = 5;

const COMMAND_STATES: readonly DevCommandState['state'][] = ['running', 'exited', 'failed'];

export function parseDevState(text: string | null | undefined): DevCommandState | null {
  if (!text) return null;
  try {
    const j = JSON.parse(text) as Partial<DevCommandState>;
    if (!j.state || !COMMAND_STATES.includes(j.state)) return null;
    return {
      state: j.state,
      code: typeof j.code === 'number' ? j.code : null,
      message: typeof j.message === 'string' && j.message ? j.message : null,
      updated_at: typeof j.updated_at === 'string' ? j.updated_at : null,
    };
  } catch {
    return null;
  }
}

/** The last `n` non-empty lines of a log. */
export function logTail(text: string, n = LOG_TAIL_LINES): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(-n);
}

/** Whether the machine's command has ended (its log tail is worth showing). */
export function commandEnded(dev: DevCommandState | null | undefined): boolean {
  return dev?.state === 'exited' || dev?.state === 'failed';
}

/**
 * "running", "stopped (idle)", "stopped (by you)", "stopped (preempted)", "exited (code 3)",
 * "running, command exited (code 3)" (a GCE VM stays up after its command ends)…
 */
export function devStateLabel(m: {
  state: MachineState;
  reason: string | null;
  dev?: DevCommandState | null;
}): string {
  const ended =
    m.dev?.state === 'exited'
      ? `exited (code ${m.dev.code ?? '?'})`
      : m.dev?.state === 'failed'
        ? `failed (${m.dev.message ?? 'startup failed'})`
        : null;
  if (isStopped(m)) {
    switch (m.reason) {
      case 'idle':
        return 'stopped (idle)';
      case 'by_you':
        return 'stopped (by you)';
      case 'preempted':
        return 'stopped (preempted)';
      case 'exited':
        return ended ?? 'exited';
    }
  }
  if (isRunning(m) && ended) return `running, command ${ended}`;
  return m.state;
}
