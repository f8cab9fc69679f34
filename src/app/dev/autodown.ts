// start.idle_shutdown.delete_after applied to a listing: the due machines (core/devvm/autodown.ts)
// are deleted through the backend's deleteDev, said, and logged to <home>/dev/deleted.log; the
// listing comes back without them and with `deletesAt` on the stopped ones still waiting.
import { appendFileSync, mkdirSync } from 'node:fs';
import { forgetDevMachine } from '../../adapters/backends/local/devvm.js';
import { DELETE_AFTER_KEY, deletedLine, planAutodown } from '../../core/devvm/autodown.js';
import { knownDevNames } from '../../adapters/store/known-ids.js';
import type { Machine } from '../../core/model.js';
import type { ComputeBackend } from '../../core/ports/backend.js';
import { HOME } from '../../util/home-layout.js';

export interface AutodownDeps {
  backend: ComputeBackend;
  home: string;
  /** Seconds; null = never. */
  deleteAfter: number | null;
  /** Where the "deleted dev machine …" lines and failures are said. */
  notify(line: string): void;
  now?(): Date;
}

/**
 * Returns a function from a listing to the listing after autodown. Deletions of one machine do not
 * overlap within this process (several dashboard tabs refresh at once): a deletion in flight is
 * awaited, not started again.
 */
export function autodown(d: AutodownDeps): (machines: Machine[]) => Promise<Machine[]> {
  const inFlight = new Map<string, Promise<boolean>>();
  return async (machines) => {
    const dev = d.backend.capabilities.devMachines;
    if (!d.deleteAfter || !dev) return machines;
    const deleteAfter = d.deleteAfter;
    const now = d.now?.() ?? new Date();
    const plan = planAutodown({ machines, deleteAfter, mine: new Set(knownDevNames(d.home)), now });
    const kept = await Promise.all(
      plan.due.map((due) => {
        let p = inFlight.get(due.name);
        if (!p) {
          p = (async () => {
            try {
              await dev.deleteDev(due.name);
            } catch (e) {
              d.notify(
                `mymlops: warning: could not delete dev machine ${due.name} (${DELETE_AFTER_KEY}): ${(e as Error).message}`,
              );
              return false;
            }
            forgetDevMachine(d.home, due.name);
            const line = deletedLine(due, deleteAfter);
            mkdirSync(HOME.dev(d.home), { recursive: true });
            appendFileSync(HOME.devDeletedLog(d.home), `${now.toISOString()} ${line}\n`);
            d.notify(line);
            return true;
          })().finally(() => inFlight.delete(due.name));
          inFlight.set(due.name, p);
        }
        return p.then((deleted) => (deleted ? null : machines.find((m) => m.name === due.name)!));
      }),
    );
    return [...plan.machines, ...kept.filter((m): m is Machine => m !== null)];
  };
}
