// zoneOperations: list, get, delete and wait.
import { fail, ok, type Reply, type SimContext } from './context.js';
import type { Operation } from '../../src/adapters/gce/api-types.js';
import { list } from './lists.js';
import { notFound } from './shapes.js';
import type { SimOperation } from './state.js';

export function operationsIn(ctx: SimContext, z: string): Operation[] {
  return [...ctx.world.operations.values()].filter((o) => o.zone === z).map((o) => o.body);
}

/** Routes `zones/{z}/operations[/{name}[/wait]]`. */
export async function operationRoute(
  ctx: SimContext,
  method: string,
  url: URL,
  project: string,
  z: string,
  name: string | undefined,
  action: string | undefined,
): Promise<Reply> {
  if (!name)
    return list(
      ctx,
      'compute#operationList',
      ctx.link(project, `zones/${z}/operations`),
      operationsIn(ctx, z),
      url,
    );
  const op = ctx.world.operations.get(name);
  if (!op || op.zone !== z) return fail(notFound(`projects/${project}/zones/${z}/operations/${name}`));
  if (action === 'wait' && method === 'POST') return ok(await wait(ctx, op));
  if (method === 'DELETE') {
    ctx.world.operations.delete(name);
    return { code: 204, body: {} };
  }
  return ok(op.body);
}

async function wait(ctx: SimContext, op: SimOperation): Promise<Operation> {
  // Like zoneOperations.wait: returns when DONE or after a bounded wait (the real one ~2 min).
  const deadline = Date.now() + 5000;
  while (op.body.status !== 'DONE' && Date.now() < deadline && !ctx.closed) {
    await new Promise((r) => setTimeout(r, 15));
  }
  return op.body;
}
