// Compute Engine v1 resources of the simulator: top-level routing (project, aggregated lists,
// regions, zones) onto the resource modules, fault injection and shutdown. Shared state and reply
// shapes are in context.ts; each resource collection has its own module.
import { acceleratorTypes, machineTypes, regionResource, zoneResource } from './catalog.js';
import { fail, ok, type Reply, SimContext } from './context.js';
import { control, rateLimited } from './faults.js';
import { instanceRoute, instancesIn } from './instances.js';
import { aggregated, list } from './lists.js';
import { operationRoute, operationsIn } from './operations.js';
import { notFound } from './shapes.js';
import { createSnapshot, imageRoute, snapshotRoute } from './images.js';
import type { Snapshot } from '../../src/adapters/gce/api-types.js';
import { killPids, killTree, sandboxPids } from './vm.js';
import { apiDisabled, projectQuotas } from './quotas.js';

export type { ComputeOptions } from './context.js';

export class Compute extends SimContext {
  async handle(method: string, url: URL, rawBody: string, token = ''): Promise<Reply> {
    const path = url.pathname.replace(/^\/compute\/v1\//, '').replace(/\/$/, '');
    const seg = path.split('/').map(decodeURIComponent);
    this.world.logRequest(method, url.pathname);
    const limited = rateLimited(this, method, url.pathname);
    if (limited) return limited;
    const off = apiDisabled(this);
    if (off) return fail(off);
    if (seg[0] !== 'projects' || !seg[1]) return fail(notFound(path));
    const project = seg[1];
    const rest = seg.slice(2);
    const [a, b, c, d, e] = rest;
    if (rest.length === 0 && method === 'GET') {
      return ok({
        kind: 'compute#project',
        id: this.fixture.projectNumber,
        name: project,
        creationTimestamp: '2020-01-01T00:00:00.000-08:00',
        selfLink: this.link(project, '').replace(/\/$/, ''),
        commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: 'AAAAAAAAAAA=', items: [] },
        quotas: projectQuotas(this),
        defaultServiceAccount: `${this.fixture.projectNumber}-compute@developer.gserviceaccount.com`,
      });
    }
    if (a === 'aggregated' && method === 'GET') {
      if (b === 'instances')
        return aggregated(this, project, 'compute#instanceAggregatedList', 'instances', url, (z) =>
          instancesIn(this, z),
        );
      if (b === 'machineTypes')
        return aggregated(this, project, 'compute#machineTypeAggregatedList', 'machineTypes', url, (z) =>
          machineTypes(this, project, z),
        );
      if (b === 'acceleratorTypes')
        return aggregated(
          this,
          project,
          'compute#acceleratorTypeAggregatedList',
          'acceleratorTypes',
          url,
          (z) => acceleratorTypes(this, project, z),
        );
      if (b === 'operations')
        return aggregated(this, project, 'compute#operationAggregatedList', 'operations', url, (z) =>
          operationsIn(this, z),
        );
    }
    if (a === 'global' && b === 'images') return imageRoute(this, method, url, project, rest.slice(1));
    if (a === 'global' && b === 'snapshots' && !d)
      return snapshotRoute(this, method, url, project, c, rawBody);
    if (a === 'global' && b === 'operations')
      return operationRoute(this, method, url, project, 'global', c, d);
    if (a === 'regions' && method === 'GET') {
      if (!b)
        return list(
          this,
          'compute#regionList',
          this.link(project, 'regions'),
          Object.keys(this.fixture.regions).map((r) => regionResource(this, project, r)),
          url,
        );
      if (!this.fixture.regions[b]) return fail(notFound(`projects/${project}/regions/${b}`));
      return ok(regionResource(this, project, b));
    }
    if (a !== 'zones') return fail(notFound(path));
    if (!b)
      return method === 'GET'
        ? list(
            this,
            'compute#zoneList',
            this.link(project, 'zones'),
            this.zones().map((z) => zoneResource(this, project, z)),
            url,
          )
        : fail(notFound(path));
    if (!this.zones().includes(b)) return fail(notFound(`projects/${project}/zones/${b}`));
    const z = b;
    if (!c) return ok(zoneResource(this, project, z));
    if (c === 'machineTypes' || c === 'acceleratorTypes') {
      const all = c === 'machineTypes' ? machineTypes(this, project, z) : acceleratorTypes(this, project, z);
      if (!d)
        return list(this, `compute#${c.slice(0, -1)}List`, this.link(project, `zones/${z}/${c}`), all, url);
      const one = all.find((r) => r['name'] === d);
      return one ? ok(one) : fail(notFound(`projects/${project}/zones/${z}/${c}/${d}`));
    }
    if (c === 'disks' && d && e === 'createSnapshot' && method === 'POST')
      return createSnapshot(this, project, z, d, JSON.parse(rawBody || '{}') as Snapshot);
    if (c === 'operations') return operationRoute(this, method, url, project, z, d, e);
    if (c !== 'instances') return fail(notFound(path));
    return instanceRoute(this, { method, url, rawBody, path, token }, project, z, d, e);
  }

  /** The `/_sim/*` control routes (fault injection, preemption, state); see faults.ts. */
  control(method: string, path: string, body: Record<string, unknown>): unknown {
    return control(this, method, path, body);
  }

  async close(): Promise<void> {
    this.shutdownTimers();
    for (const inst of this.world.instances.values()) {
      if (inst.tail) clearInterval(inst.tail);
      if (inst.child) killTree(inst.child, 'SIGKILL');
      // What the VM's scripts left running, whoever their parent is now.
      if (inst.guestEnv) killPids(sandboxPids(inst.sandbox), 'SIGKILL', inst.sandbox);
      inst.metadataServer?.closeAllConnections();
      inst.metadataServer?.close();
    }
  }
}
