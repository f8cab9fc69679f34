// The two IAM v1 calls doctor makes about a service account: serviceAccounts.get and
// serviceAccounts.testIamPermissions (answering the subset of the asked permissions the caller
// holds). The project's default compute account exists; `/_sim/service-accounts`
// `{email, actAs?: boolean, remove?: true}` adds, changes or removes one.
import { type Reply, fail, ok, type SimContext } from './context.js';
import { apiError } from './shapes.js';

const accounts = new WeakMap<SimContext, Map<string, { actAs: boolean }>>();

function known(ctx: SimContext): Map<string, { actAs: boolean }> {
  let m = accounts.get(ctx);
  if (!m) {
    m = new Map([[`${ctx.fixture.projectNumber}-compute@developer.gserviceaccount.com`, { actAs: true }]]);
    accounts.set(ctx, m);
  }
  return m;
}

export function iamRoute(ctx: SimContext, method: string, path: string): Reply {
  const m = /^\/iam\/v1\/projects\/[^/]+\/serviceAccounts\/([^/:]+)(:testIamPermissions)?$/.exec(path);
  if (!m) return fail(apiError(404, 'notFound', `The requested URL ${path} was not found on this server.`));
  const email = decodeURIComponent(m[1]!);
  const sa = known(ctx).get(email);
  // IAM answers 404 NOT_FOUND "Unknown service account" for an account that does not exist.
  if (!sa) return fail(apiError(404, 'notFound', `Unknown service account`));
  if (!m[2]) {
    if (method !== 'GET') return fail(apiError(405, 'methodNotAllowed', 'Method not allowed'));
    const [local, domain] = email.split('@');
    return ok({
      name: `projects/${domain?.split('.')[0] ?? '-'}/serviceAccounts/${email}`,
      email,
      uniqueId: '100000000000000000001',
      displayName: local,
    });
  }
  return ok(sa.actAs ? { permissions: ['iam.serviceAccounts.actAs'] } : {});
}

export function serviceAccountControl(ctx: SimContext, body: Record<string, unknown>): unknown {
  const email = String(body['email'] ?? '');
  if (email) {
    if (body['remove'] === true) known(ctx).delete(email);
    else known(ctx).set(email, { actAs: body['actAs'] !== false });
  }
  return { accounts: [...known(ctx)].map(([e, v]) => ({ email: e, ...v })) };
}
