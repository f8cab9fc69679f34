// What a listed machine's state means — for the job on it, for picking one of a commit's machines,
// for what the user may do with it. The one place that reads MachineState values (pure, also
// bundled into the dashboard page); test/unit/machine-state.test.ts holds it to its table.
import type { JobEnd, Machine, MachineState } from './model.js';

interface Meaning {
  /** Being created or running: not going down. */
  up: boolean;
  /** Up, or going down while the job on it may still push (a preempted VM's shutdown push). */
  live: boolean;
  /** Stopped or gone: whatever ran on it has ended. */
  down: boolean;
  /** Which of several machines of one commit stands for it: the highest. */
  rank: number;
}

const MEANING: Record<MachineState, Meaning> = {
  running: { up: true, live: true, down: false, rank: 3 },
  provisioning: { up: true, live: true, down: false, rank: 2 },
  stopping: { up: false, live: true, down: false, rank: 1 },
  stopped: { up: false, live: false, down: true, rank: 0 },
  gone: { up: false, live: false, down: true, rank: 0 },
};

type Stated = { readonly state: MachineState };

/** Being created or running (a cancel has a job to stop; status watches it for going away). */
export const isUp = (m: Stated): boolean => MEANING[m.state].up;

/** Its job may still be running or pushing: no retry, no publish, it holds a sweep slot. */
export const isLive = (m: Stated): boolean => MEANING[m.state].live;

/** Stopped or gone: the job on it has ended. */
export const isDown = (m: Stated): boolean => MEANING[m.state].down;

/** The backend still holds it (its disk at least): anything but gone. */
export const isPresent = (m: Stated): boolean => m.state !== 'gone';

/** Being created: not running its job yet. */
export const isProvisioning = (m: Stated): boolean => m.state === 'provisioning';

/** Running: ssh, tunnels, the idle watchdog's report and `stop` need it. */
export const isRunning = (m: Stated): boolean => m.state === 'running';

/** Going down (instances.stop, a preemption): the job's shutdown push may still come. */
export const isStopping = (m: Stated): boolean => m.state === 'stopping';

/** Stopped with its disk kept: it can be started again, or deleted after delete_after. */
export const isStopped = (m: Stated): boolean => m.state === 'stopped';

/** Stopped or on the way there (a stop by the user, the watchdog or a preemption). */
export const isHalted = (m: Stated): boolean => isStopping(m) || isStopped(m);

/** Orders several machines of one commit (after a retry): the live one first. */
export const liveRank = (m: Stated): number => MEANING[m.state].rank;

/** Of several machines of one commit (after a retry), the one that stands for it: the live one, then the newest. */
export function standingFor<M extends Stated & { readonly createdAt: string | null }>(
  machines: readonly M[],
): M | undefined {
  return [...machines].sort(
    (a, b) => liveRank(b) - liveRank(a) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  )[0];
}

/** How the job on `m` ended, once `m` is down; null while it may still run or when unknown. */
export function jobEnd(m: Machine | undefined): JobEnd | null {
  return m?.kind === 'commit' && isDown(m) ? m.ended : null;
}

/** `m` holds a result its job could not publish (`mymlops publish ID` pushes it). */
export function keepsUnpublished(m: Machine | undefined): boolean {
  return jobEnd(m)?.published === false;
}
