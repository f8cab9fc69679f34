// The instances collection: list, insert, get, delete, stop/start, setMetadata, guest attributes
// and serial port output.
import { fail, ok, type Reply, type SimContext } from './context.js';
import type { Resource } from './filter.js';
import { guestAttributes, serialPort } from './guest.js';
import { insert } from './insert.js';
import { remove, setMetadata, start, stop } from './lifecycle.js';
import { list } from './lists.js';
import { apiError, notFound, timestamp } from './shapes.js';
import type { SimInstance } from './state.js';

/** The instance resource as GET returns it (status and timestamps refreshed). */
export function instanceView(i: SimInstance): Resource {
  i.body['status'] = i.status;
  if (i.lastStartAt) i.body['lastStartTimestamp'] = timestamp(i.lastStartAt);
  if (i.lastStopAt) i.body['lastStopTimestamp'] = timestamp(i.lastStopAt);
  return i.body;
}

export function instancesIn(ctx: SimContext, z: string): Resource[] {
  return [...ctx.world.instances.values()].filter((i) => i.zone === z).map((i) => instanceView(i));
}

/** Routes `zones/{z}/instances[/{name}[/{action}]]`; `path` is only used in error messages. */
export function instanceRoute(
  ctx: SimContext,
  method: string,
  url: URL,
  rawBody: string,
  path: string,
  project: string,
  z: string,
  name: string | undefined,
  action: string | undefined,
): Reply {
  if (!name) {
    if (method === 'GET')
      return list(
        'compute#instanceList',
        ctx.link(project, `zones/${z}/instances`),
        instancesIn(ctx, z),
        url,
      );
    if (method === 'POST') return insert(ctx, project, z, JSON.parse(rawBody || '{}') as Resource);
    return fail(notFound(path));
  }
  const inst = ctx.world.instances.get(ctx.world.key(z, name));
  const instPath = `projects/${project}/zones/${z}/instances/${name}`;
  if (!inst) return fail(notFound(instPath));
  if (!action && method === 'GET') return ok(instanceView(inst));
  if (!action && method === 'DELETE') return ok(remove(ctx, project, inst, 'delete').body);
  if (action === 'stop' && method === 'POST') return ok(stop(ctx, project, inst, 'stop').body);
  if (action === 'start' && method === 'POST') return start(ctx, project, inst);
  if (action === 'setMetadata' && method === 'POST')
    return setMetadata(ctx, project, inst, JSON.parse(rawBody || '{}') as Resource);
  if (action === 'getGuestAttributes' && method === 'GET') return guestAttributes(ctx, project, inst, url);
  if (action === 'serialPort' && method === 'GET') return serialPort(ctx, project, inst, url);
  return fail(apiError(400, 'invalid', `Invalid request ${method} ${path}`));
}
