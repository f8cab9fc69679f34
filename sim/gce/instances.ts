// The instances collection: list, insert, get, delete, stop/start, setMetadata, guest attributes
// and serial port output; and what a VM's own service account may call about itself.
import type { Instance } from '../../src/adapters/gce/api-types.js';
import { fail, ok, type Reply, type SimContext } from './context.js';
import { guestAttributes, serialPort } from './guest.js';
import { insert } from './insert.js';
import { start } from './lifecycle.js';
import { setMetadata } from './metadata.js';
import { remove, stop } from './shutdown.js';
import { list } from './lists.js';
import { apiError, notFound, timestamp } from './shapes.js';
import type { SimInstance } from './state.js';

/** The instance resource as GET returns it (status and timestamps refreshed). */
export function instanceView(i: SimInstance): Instance {
  i.body.status = i.status;
  if (i.lastStartAt) i.body.lastStartTimestamp = timestamp(i.lastStartAt);
  if (i.lastStopAt) i.body.lastStopTimestamp = timestamp(i.lastStopAt);
  return i.body;
}

export function instancesIn(ctx: SimContext, z: string): Instance[] {
  return [...ctx.world.instances.values()].filter((i) => i.zone === z).map((i) => instanceView(i));
}

export interface Call {
  method: string;
  url: URL;
  rawBody: string;
  /** Only used in error messages. */
  path: string;
  token: string;
}

/** The IAM permission each instance call needs (the name GCE's 403 quotes). */
function permission(method: string, action: string | undefined): string {
  if (!action) return method === 'DELETE' ? 'compute.instances.delete' : 'compute.instances.get';
  if (action === 'serialPort') return 'compute.instances.getSerialPortOutput';
  return `compute.instances.${action}`;
}

/** Routes `zones/{z}/instances[/{name}[/{action}]]`. */
export function instanceRoute(
  ctx: SimContext,
  call: Call,
  project: string,
  z: string,
  name: string | undefined,
  action: string | undefined,
): Reply {
  const { method, url, rawBody, path } = call;
  if (!name) {
    if (method === 'GET')
      return list(
        ctx,
        'compute#instanceList',
        ctx.link(project, `zones/${z}/instances`),
        instancesIn(ctx, z),
        url,
      );
    if (method === 'POST')
      return insert(
        ctx,
        project,
        z,
        JSON.parse(rawBody || '{}') as Instance,
        url.searchParams.get('requestId'),
      );
    return fail(notFound(path));
  }
  const inst = ctx.world.instances.get(ctx.world.key(z, name));
  const instPath = `projects/${project}/zones/${z}/instances/${name}`;
  if (!inst) return fail(notFound(instPath));
  if (ctx.opts.denyVmSelfCalls && call.token === vmToken(inst))
    return fail(
      apiError(
        403,
        'forbidden',
        `Required '${permission(method, action)}' permission for '${instPath}'`,
        'global',
        'IAM_PERMISSION_DENIED',
      ),
    );
  if (!action && method === 'GET') return ok(instanceView(inst));
  if (!action && method === 'DELETE') return ok(remove(ctx, project, inst, 'delete').body);
  if (action === 'stop' && method === 'POST') return ok(stop(ctx, project, inst, 'stop').body);
  if (action === 'start' && method === 'POST') return start(ctx, project, inst);
  if (action === 'setMetadata' && method === 'POST')
    return setMetadata(ctx, project, inst, JSON.parse(rawBody || '{}'));
  if (action === 'getGuestAttributes' && method === 'GET') return guestAttributes(ctx, project, inst, url);
  if (action === 'serialPort' && method === 'GET') return serialPort(ctx, project, inst, url);
  return fail(apiError(400, 'invalid', `Invalid request ${method} ${path}`));
}

/** The access token a VM's metadata server hands its guest. */
export const vmToken = (inst: SimInstance) => `sim-vm-token-${inst.id}`;
