// Stop, start and delete a GCE dev VM. A stop by the user is marked in instance metadata
// (mymlops-stopped-by: you) before the VM stops, so the listing tells it from the watchdog's stop
// and a preemption; starting the VM clears the mark. The dev startup script runs at every boot.
import type { GceClient } from '../../gce/client.js';
import { GceApiError, GceUnavailable } from '../../gce/errors.js';

/** Instance metadata key (without the mymlops- prefix in Machine.metadata). */
export const STOPPED_BY_KEY = 'mymlops-stopped-by';

const WAIT_MS = 5 * 60_000;

async function call(c: GceClient, zone: string, name: string, action: 'stop' | 'start'): Promise<void> {
  try {
    const op = await (action === 'stop' ? c.stopInstance(zone, name) : c.startInstance(zone, name));
    await c.waitOperation(zone, op, WAIT_MS);
  } catch (e) {
    if (e instanceof GceUnavailable)
      throw e.during(`dev VM ${name} may not have done its ${action}: see \`mymlops status\``);
    throw e;
  }
}

export async function stopDevVm(c: GceClient, zone: string, name: string): Promise<void> {
  await c.setMetadata(zone, name, { [STOPPED_BY_KEY]: 'you' });
  await call(c, zone, name, 'stop');
}

export async function startDevVm(c: GceClient, zone: string, name: string): Promise<void> {
  await c.setMetadata(zone, name, { [STOPPED_BY_KEY]: '' });
  await call(c, zone, name, 'start');
}

export async function deleteDevVm(c: GceClient, zone: string, name: string): Promise<void> {
  try {
    await c.waitOperation(zone, await c.deleteInstance(zone, name), WAIT_MS);
  } catch (e) {
    if (e instanceof GceApiError && e.status === 404) return; // already gone
    throw e;
  }
}
