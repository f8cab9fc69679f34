// Instance metadata: its rules (GCE's limits and messages), setMetadata, and the change notice that
// wakes the metadata server's `?wait_for_change=true` requests.
import type { Metadata, MetadataItem } from '../../src/adapters/gce/api-types.js';
import { fail, ok, type Reply, type SimContext } from './context.js';
import { randomBytes } from 'node:crypto';
import { apiError } from './shapes.js';
import type { SimInstance } from './state.js';

// compute v1 reference, Metadata.items: "Keys must conform to the following regexp: [a-zA-Z0-9-_]+,
// and be less than 128 bytes in length. ... The only restriction placed on values is that their size
// must be less than or equal to 262144 bytes (256 KiB)." and "The total size of all keys and values
// must be less than 512 KB."
const KEY_RE = /^[a-zA-Z0-9_-]+$/;
const KEY_MAX = 128;
const VALUE_MAX = 256 * 1024;
const TOTAL_MAX = 512 * 1024;

/** The 400 for metadata items that break GCE's rules, or null. `field` is e.g. `resource.metadata`. */
export function invalidMetadata(items: Metadata['items'], field: string): Reply | null {
  const invalid = (msg: string) => fail(apiError(400, 'invalid', msg));
  let total = 0;
  const seen = new Set<string>();
  for (const [i, it] of (items ?? []).entries()) {
    const key = it.key ?? '';
    const value = it.value ?? '';
    if (!KEY_RE.test(key) || Buffer.byteLength(key) >= KEY_MAX)
      return invalid(
        `Invalid value for field '${field}.items[${i}].key': '${key}'. Must be a match of regex '[a-zA-Z0-9-_]{1,128}'`,
      );
    if (seen.has(key))
      return invalid(
        `Invalid value for field '${field}.items[${i}].key': '${key}'. Duplicate keys are not allowed.`,
      );
    seen.add(key);
    const size = Buffer.byteLength(value);
    if (size > VALUE_MAX)
      return invalid(
        `Value for field '${field}.items[${i}].value' is too large: maximum size ${VALUE_MAX} character(s); actual size ${size}.`,
      );
    total += size + Buffer.byteLength(key);
  }
  if (total >= TOTAL_MAX)
    return invalid(
      `Metadata has too many entries or is too large: maximum size ${TOTAL_MAX}; actual ${total}.`,
    );
  return null;
}

export function attributes(inst: SimInstance): Record<string, string> {
  const items = (inst.body.metadata?.items ?? []) as MetadataItem[];
  return Object.fromEntries(items.map((i) => [i.key, i.value ?? '']));
}

/** Wakes every metadata-server request waiting for a change; each re-reads its own value. */
export function metadataChanged(inst: SimInstance): void {
  for (const wake of [...inst.metadataWaiters]) wake();
}

/**
 * A fresh fingerprint, as GCE's: 8 random bytes in base64, different after every write, so a write
 * based on an older read gets the 412, never a silent lost update (Metadata.fingerprint: "changes
 * after every request to modify or update metadata. You must always provide an up-to-date
 * fingerprint hash in order to update or change metadata, otherwise the request will fail with
 * error 412 conditionNotMet").
 */
export const newFingerprint = () => randomBytes(8).toString('base64');

/**
 * A fingerprint is a bytes field: clients send it back in either base64 alphabet (gcloud's apitools
 * re-encodes bytes URL-safe, `-`/`_` for `+`/`/`), and the same bytes are the same fingerprint.
 */
export function sameFingerprint(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return a === b;
  const bytes = (f: string) => Buffer.from(f.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes(a).equals(bytes(b));
}

export function setMetadata(ctx: SimContext, project: string, inst: SimInstance, req: Metadata): Reply {
  inst.body.metadata ??= {};
  const md = inst.body.metadata;
  if (!sameFingerprint(req.fingerprint, md.fingerprint))
    return fail(
      apiError(412, 'conditionNotMet', 'Supplied fingerprint does not match current metadata fingerprint.'),
    );
  const invalid = invalidMetadata(req.items, 'metadata');
  if (invalid) return invalid;
  md.items = req.items ?? [];
  md.fingerprint = newFingerprint();
  metadataChanged(inst);
  const op = ctx.world.newOperation(ctx.opts.base(), project, inst.zone, 'setMetadata', {
    link: String(inst.body.selfLink),
    id: inst.id,
  });
  ctx.world.finish(op);
  return ok({ ...op.body });
}
