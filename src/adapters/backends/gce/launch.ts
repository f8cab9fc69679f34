// One zone's try of a launch: the insert request for the plan placed in that zone, its outcome, and
// a failure classified (src/adapters/gce/errors.ts) for the failover loop in core
// (src/core/launch/failover.ts), which decides what to try next. A try whose outcome is unknown
// throws (insert.ts), so the loop never moves on while the VM may exist in this zone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GcpConfig } from '../../../config/types.js';
import { err, ok, type Result } from '../../../errors.js';
import type { Machine } from '../../../core/model.js';
import type { GceClient } from '../../gce/client.js';
import type { Instance } from '../../gce/api-types.js';
import { classifyError, explain, GceApiError, GceUnavailable, OperationError } from '../../gce/errors.js';
import { jobDir, writeJson } from '../../store/jobs.js';
import type { LaunchAttempt, LaunchPlan, PlacementFailure } from '../../../core/ports/backend.js';
import { instanceBody } from './instance-body.js';
import { insertOrAdopt, NameTaken } from './insert.js';

export interface ZoneTryContext {
  client: GceClient;
  gcp: GcpConfig;
  home: string;
  notify: (line: string) => void;
  /** Deploy key contents by name. */
  keys: Record<string, string>;
}

/** The insert body of `plan` (placed in `zone`): throws what is wrong with the plan, sends nothing. */
export function zoneRequest(ctx: ZoneTryContext, plan: LaunchPlan, zone: string): Instance {
  return instanceBody({ plan, project: ctx.client.project, zone, gcp: ctx.gcp, keys: ctx.keys });
}

/** Sends `attempt`'s insert and waits for it: the VM, or why this zone (or more) cannot take it. */
export async function tryZone(
  ctx: ZoneTryContext,
  plan: LaunchPlan,
  attempt: LaunchAttempt,
): Promise<Result<Machine, PlacementFailure>> {
  const c = ctx.client;
  const zone = attempt.zone;
  if (zone === null || attempt.requestId === null)
    throw new Error('a GCE launch attempt has a zone and a requestId');
  const body = zoneRequest(ctx, plan, zone);
  try {
    const ins = await insertOrAdopt(c, zone, body, attempt.requestId, plan);
    if (ins.op) await c.waitOperation(zone, ins.op);
    else ctx.notify(`mymlops: ${plan.machineName} already exists in ${zone} for this launch: using it`);
    const dir = plan.commitId ? jobDir(plan.commitId, ctx.home) : null;
    if (dir && existsSync(dir) && plan.kind === 'commit')
      writeJson(join(dir, 'gce.json'), {
        project: c.project,
        zone,
        machine: plan.machineName,
        // The placed plan carries the zones that failed before this one.
        zones_tried: plan.jobConfig.metadata.zones_tried ?? [],
      });
    return ok(ins.adopted ?? launchedMachine(plan, zone));
  } catch (e) {
    if (e instanceof NameTaken)
      return err({
        kind: 'exists',
        scope: 'global',
        code: 'exists',
        message: e.message,
        explained: e.message,
      });
    if (!(e instanceof GceApiError) && !(e instanceof OperationError)) throw e;
    const cl = classifyError(e);
    // Never a quota or a permission, and no other zone would answer otherwise.
    if (cl.kind === 'rate') throw new GceUnavailable(cl.code, '', undefined, true);
    return err({
      kind: cl.kind,
      scope: cl.scope,
      code: cl.code,
      message: cl.message,
      explained: explain(cl),
    });
  }
}

function launchedMachine(plan: LaunchPlan, zone: string): Machine {
  const base = {
    name: plan.machineName,
    backend: 'gce' as const,
    zone,
    state: 'running' as const,
    reason: null,
    createdAt: new Date().toISOString(),
    machineType: plan.instance?.machine_type ?? null,
    accelerator: plan.instance?.accelerator ?? null,
    metadata: plan.metadata,
  };
  return plan.kind === 'commit'
    ? { ...base, kind: 'commit', commitId: plan.commitId, ended: null }
    : { ...base, kind: 'start', idle: null, dev: null, stoppedAt: null, deletesAt: null, sshTarget: null };
}
