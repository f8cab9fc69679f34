// What the guest exposes through the API: guest attributes and the serial port output.
import { fail, ok, type Reply, type SimContext } from './context.js';
import { notFound } from './shapes.js';
import type { SimInstance } from './state.js';

/** instances.getGuestAttributes: `variableKey=ns/key` or `queryPath=ns/` (kept while stopped). */
export function guestAttributes(ctx: SimContext, project: string, inst: SimInstance, url: URL): Reply {
  const all = inst.guestAttributes ?? new Map<string, string>();
  const selfLink = ctx.link(project, `zones/${inst.zone}/instances/${inst.name}/getGuestAttributes`);
  const variableKey = url.searchParams.get('variableKey');
  if (variableKey) {
    const v = all.get(variableKey);
    if (v === undefined) return fail(notFound(`guest attribute ${variableKey}`));
    return ok({ kind: 'compute#guestAttributes', variableKey, variableValue: v, selfLink });
  }
  const queryPath = url.searchParams.get('queryPath') ?? '';
  const items = [...all.entries()]
    .filter(([k]) => k.startsWith(queryPath))
    .map(([k, value]) => ({ namespace: k.split('/')[0]!, key: k.split('/').slice(1).join('/'), value }));
  if (items.length === 0) return fail(notFound(`guest attributes ${queryPath}`));
  return ok({ kind: 'compute#guestAttributes', queryPath, queryValue: { items }, selfLink });
}

/** instances.getSerialPortOutput: port 1 is the console; other ports are empty. */
export function serialPort(ctx: SimContext, project: string, inst: SimInstance, url: URL): Reply {
  const port = Number(url.searchParams.get('port') || 1);
  const start = Number(url.searchParams.get('start') || 0);
  const out = port === 1 ? inst.serial.read(start) : { contents: '', start: 0, next: 0 };
  return ok({
    kind: 'compute#serialPortOutput',
    contents: out.contents,
    start: String(out.start),
    next: String(out.next),
    selfLink: ctx.link(project, `zones/${inst.zone}/instances/${inst.name}/serialPort`),
  });
}
