// What the guest exposes through the API: guest attributes and the serial port output.
import { fail, ok, type Reply, type SimContext } from './context.js';
import { apiError, notFound } from './shapes.js';
import type { SimInstance } from './state.js';

/**
 * Whether one more guest-attribute query of `inst` is within GCE's rate. Google's guest attributes
 * documentation ("Set and query guest attributes", limits): at most 10 queries a minute per VM, with
 * bursts of up to 3 a second; past that Compute Engine may drop them. Reads past it get 429
 * rateLimitExceeded; guest writes past it are dropped (the guest still gets 200).
 */
export function withinRate(ctx: SimContext, inst: SimInstance, kind: 'reads' | 'writes'): boolean {
  const q = inst.guestQueries;
  const now = Date.now();
  const recent = q[kind].filter((t) => now - t < 60_000);
  q[kind] = recent;
  if (recent.length >= ctx.opts.guestAttributeQueriesPerMinute) return false;
  recent.push(now);
  return true;
}

/** instances.getGuestAttributes: `variableKey=ns/key` or `queryPath=ns/` (kept while stopped). */
export function guestAttributes(ctx: SimContext, project: string, inst: SimInstance, url: URL): Reply {
  if (!withinRate(ctx, inst, 'reads'))
    return fail(
      apiError(
        429,
        'rateLimitExceeded',
        `Rate limit exceeded for guest attributes of 'projects/${project}/zones/${inst.zone}/instances/${inst.name}': at most ${ctx.opts.guestAttributeQueriesPerMinute} queries a minute per VM.`,
      ),
    );
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
