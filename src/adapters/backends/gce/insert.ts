// One zone's instances.insert, safe to lose: the request carries a requestId (the client repeats it
// with the same one, so GCE ignores a repeat of a request it completed), a 409 for a VM this launch
// made is that VM (adopted, not a reason to try another zone), and when no answer came at all the
// VM is looked up by name before anything else — the caller never tries another zone meanwhile.
import type { Machine } from '../../../core/model.js';
import type { LaunchPlan } from '../../../core/ports/backend.js';
import type { GceClient, InstanceResource, Operation } from '../../gce/client.js';
import type { Instance } from '../../gce/api-types.js';
import { GceApiError, GceUnavailable } from '../../gce/errors.js';
import { toMachine } from './machines.js';

/** The machine name is held by a VM that is not this launch's. */
export class NameTaken extends Error {
  constructor(name: string, zone: string) {
    super(`a VM named ${name} already exists in ${zone} and is not this launch's`);
    this.name = 'NameTaken';
  }
}

export type Inserted = { op: Operation; adopted: null } | { op: null; adopted: Machine };

/**
 * Whether an existing instance is the one this launch creates: a commit VM carries its commit id
 * label, and a commit's machine name is unique to its attempt. A dev VM's name is the user's, so
 * only an insert whose outcome we do not know may claim one (`unknownOutcome`).
 */
export function isOwn(
  inst: InstanceResource,
  body: Instance,
  plan: LaunchPlan,
  unknownOutcome: boolean,
): boolean {
  if (inst.name !== body.name) return false;
  if (plan.kind === 'commit') return inst.labels?.['mymlops-commit'] === body.labels?.['mymlops-commit'];
  return unknownOutcome && inst.labels?.['mymlops'] === 'start';
}

async function lookUp(c: GceClient, zone: string, name: string): Promise<InstanceResource | null> {
  try {
    return await c.getInstance(zone, name);
  } catch (e) {
    if (e instanceof GceApiError && e.status === 404) return null;
    throw e;
  }
}

export async function insertOrAdopt(
  c: GceClient,
  zone: string,
  body: Instance,
  requestId: string,
  plan: LaunchPlan,
): Promise<Inserted> {
  const name = String(body.name);
  const adopt = (inst: InstanceResource): Inserted => ({
    op: null,
    adopted: toMachine(zone, inst, new Set()),
  });
  const taken = async (unknownOutcome: boolean): Promise<Inserted> => {
    const inst = await lookUp(c, zone, name);
    if (inst && isOwn(inst, body, plan, unknownOutcome)) return adopt(inst);
    throw new NameTaken(name, zone);
  };
  try {
    return { op: await c.insertInstance(zone, body, requestId), adopted: null };
  } catch (e) {
    if (e instanceof GceApiError && e.status === 409) return taken(false);
    if (!(e instanceof GceUnavailable)) throw e;
    // Refused over a rate limit for the whole budget: asking again now only spends another one (a
    // try lost earlier stays findable through the launch record's zone and request id).
    if (e.rateLimited) throw e;
    // No answer even after the retries: the VM may exist. A failed look-up leaves it unknown (the
    // error goes up and the launch record keeps this zone and request id).
    const inst = await lookUp(c, zone, name).catch(() => {
      throw e;
    });
    if (inst) {
      if (isOwn(inst, body, plan, true)) return adopt(inst);
      throw new NameTaken(name, zone);
    }
    // Not there: the request did not take (or is still on its way: the same requestId makes the
    // repeat the same request, never a second VM).
    try {
      return { op: await c.insertInstance(zone, body, requestId), adopted: null };
    } catch (e2) {
      if (e2 instanceof GceApiError && e2.status === 409) return taken(true);
      throw e2;
    }
  }
}
