// The contract every ComputeBackend keeps, as node:test cases any backend's test file registers:
// only what the port (src/core/ports/backend.ts) promises to core, whatever runs the machines —
// and each capability the backend declares (a capability it does not declare is skipped).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { recordLaunch } from '../../src/adapters/store/jobs.js';
import type {
  BackendCapabilities,
  CommitPlan,
  ComputeBackend,
  StartPlan,
} from '../../src/core/ports/backend.js';
import { waitFor } from './wait.js';
import { launchWithFailover } from '../../src/core/launch/failover.js';

export interface ContractSubject {
  backend: ComputeBackend;
  /** Its MYMLOPS_HOME: core records every launch there before it sends it. */
  home: string;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** A backend with its own home under `tmp`. */
  setup(tmp: string): Promise<ContractSubject>;
  /** A commit plan of `commitId` running `jobScript`, shaped for this backend. */
  plan(commitId: string, jobScript: string): CommitPlan;
  /** What readLog of a name it never launched does today (the port does not say). */
  unknownLog: 'throws' | 'empty-done';
  /** A dev machine plan named `name` running `jobScript`, shaped for this backend (devMachines). */
  startPlan(name: string, jobScript: string): StartPlan;
  /** Stops a running machine as a preemption does (preemptionCheck, restart). */
  preempt?(machine: string): Promise<void>;
}

export function backendContract(name: string, o: ContractOptions): void {
  describe(`ComputeBackend contract: ${name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), `mymlops-contract-${name}-`));
    let subject: ContractSubject;
    let n = 0;
    before(async () => {
      subject = await o.setup(tmp);
    });
    after(async () => {
      await subject.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    // A job that says it started, then waits (bounded) until the test releases it.
    const release = (id: string) => join(tmp, `release-${id}`);
    const job = (id: string) => `#!/bin/bash
echo "job: started"
for i in $(seq 1 600); do [ -e '${release(id)}' ] && break; sleep 0.1; done
echo "job: released"
echo 'mymlops: result {"status":"succeeded","exit_code":0,"error":null,"message":null,"published":true}'
echo 'mymlops: job finished status=succeeded'
`;

    /** A fresh commit plan, its launch recorded as core's commit records it before any request. */
    function recorded(): CommitPlan {
      n++;
      const id = `20250303_00000${n}`;
      const plan = o.plan(id, job(id));
      recordLaunch(
        {
          commit: id,
          backend: subject.backend.kind,
          machine: plan.machineName,
          zone: null,
          notebook: 'nb/a.ipynb',
          notes: null,
          repository: { url: 'git@github.com:me/repo.git', branch: 'main' },
          output_repository: { url: 'git@github.com:me/out.git', branch: 'master' },
          source_commit: 'a'.repeat(40),
          attempt: 1,
          created_at: new Date().toISOString(),
        },
        subject.home,
      );
      return plan;
    }

    /** Records and launches a fresh commit, as core's commit does. */
    async function launch(): Promise<CommitPlan> {
      const plan = recorded();
      const r = await launchWithFailover(subject.backend, plan);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.machine.name, plan.machineName);
      return plan;
    }

    const listed = async (machine: string) => (await subject.backend.list()).find((m) => m.name === machine);

    /** The log's first chunk once the job has started. */
    const started = (machine: string) =>
      waitFor(
        async () => {
          const c = await subject.backend.readLog(machine, 0);
          return c.text.includes('job: started\n') ? c : null;
        },
        { what: `${machine} to start its job` },
      );

    it('launches a commit plan, lists its machine while it runs, streams its log, ends done', async () => {
      const plan = await launch();
      const m = await waitFor(
        async () => {
          const x = await listed(plan.machineName);
          return x?.state === 'running' ? x : null;
        },
        { what: 'the machine listed running' },
      );
      assert.equal(m.kind, 'commit');
      assert.equal(m.commitId, plan.commitId);

      const first = await started(plan.machineName);
      assert.ok(first.next > 0, JSON.stringify(first));
      assert.equal(first.done, false);
      // Nothing new yet: reading from `next` gives no text already read.
      const again = await subject.backend.readLog(plan.machineName, first.next);
      assert.ok(again.next >= first.next);
      assert.doesNotMatch(again.text, /job: started/);

      writeFileSync(release(plan.commitId), '');
      let rest = '';
      let from = first.next;
      const last = await waitFor(
        async () => {
          const c = await subject.backend.readLog(plan.machineName, from);
          assert.ok(c.next >= from, `next went back: ${from} -> ${c.next}`);
          rest += c.text;
          from = c.next;
          return c.done ? c : null;
        },
        { what: 'the log to end', detail: () => rest },
      );
      assert.equal(last.done, true);
      assert.match(rest, /job: released\n/);
      assert.doesNotMatch(rest, /job: started/, 'text before `next` came again');
      assert.match(rest, /mymlops: job finished status=succeeded/);
    });

    it('launches in steps: placements, an attempt built without running anything, one try in its place', async () => {
      const plan = recorded();
      const placements = await subject.backend.placements(plan);
      assert.ok(placements.length >= 1, 'somewhere to try');
      const at = placements[0]!;
      const attempt = await subject.backend.prepareAttempt(plan, at);
      assert.equal(attempt.machine, plan.machineName);
      assert.equal(attempt.zone, at.zone);
      assert.notEqual((await listed(plan.machineName))?.state, 'running', 'nothing runs before the try');
      const r = await subject.backend.tryPlacement(plan, attempt);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.name, plan.machineName);
      assert.equal(r.value.zone, at.zone);
      await started(plan.machineName);
      writeFileSync(release(plan.commitId), '');
      await waitFor(async () => ((await subject.backend.readLog(plan.machineName, 0)).done ? true : null), {
        what: 'the job to end',
      });
    });

    it('cancel stops a running job: no longer listed running, its log ends', async () => {
      const plan = await launch();
      await started(plan.machineName);
      await subject.backend.cancel(plan.machineName);
      const m = await listed(plan.machineName);
      assert.ok(m === undefined || m.state !== 'running', JSON.stringify(m));
      const end = await waitFor(
        async () => {
          const c = await subject.backend.readLog(plan.machineName, 0);
          return c.done ? c : null;
        },
        { what: 'the cancelled log to end' },
      );
      assert.doesNotMatch(end.text, /job: released/, 'the job ran on after cancel');
    });

    /** The capability, or null after marking the test skipped (the backend does not declare it). */
    function capability<K extends keyof BackendCapabilities>(
      t: { skip(message: string): void },
      k: K,
    ): NonNullable<BackendCapabilities[K]> | null {
      const c = subject.backend.capabilities[k];
      if (!c) t.skip(`${name} does not declare ${k}`);
      return c ?? null;
    }

    const stateOf = async (machine: string) => (await listed(machine))?.state ?? 'not listed';
    const until = (machine: string, ok: (s: string) => boolean, what: string) =>
      waitFor(
        async () => {
          const s = await stateOf(machine);
          return ok(s) ? s : null;
        },
        { what: `${machine} ${what}` },
      );

    it('devMachines: a dev machine runs, stops keeping its disk, resumes, is deleted', async (t) => {
      const dev = capability(t, 'devMachines');
      if (!dev) return;
      const machine = `contract-dev-${name}`;
      const r = await launchWithFailover(
        subject.backend,
        o.startPlan(machine, `#!/bin/bash\necho "dev: up"\nfor i in $(seq 1 600); do sleep 0.1; done\n`),
      );
      assert.ok(r.ok, JSON.stringify(r));
      await until(machine, (s) => s === 'running', 'listed running');
      assert.equal((await listed(machine))?.kind, 'start');
      await dev.stopDev(machine);
      await until(machine, (s) => s === 'stopped', 'listed stopped');
      const resumed = await dev.resumeDev(machine);
      assert.ok(resumed.ok, JSON.stringify(resumed));
      assert.equal(resumed.value.name, machine);
      await until(machine, (s) => s === 'running', 'listed running again');
      await dev.deleteDev(machine);
      await until(machine, (s) => s === 'not listed' || s === 'gone', 'gone');
    });

    it('publishKept: a running job has nothing kept to publish yet', async (t) => {
      const kept = capability(t, 'publishKept');
      if (!kept) return;
      const plan = await launch();
      await started(plan.machineName);
      const out = await kept.publish(plan.machineName);
      assert.equal(out.code, 'running', JSON.stringify(out));
      assert.equal(out.published, false);
      writeFileSync(release(plan.commitId), '');
      await until(plan.machineName, (s) => s !== 'running', 'ended');
    });

    it('preemptionCheck and restart: a preempted machine says so and starts again in its zone', async (t) => {
      const check = subject.backend.capabilities.preemptionCheck;
      const restart = subject.backend.capabilities.restart;
      if (!check && !restart) return t.skip(`${name} declares neither preemptionCheck nor restart`);
      assert.ok(o.preempt, 'a backend with these capabilities needs the preempt hook');
      assert.deepEqual(
        await restart?.resume('mymlops-20250303-999999'),
        restart ? { zone: null } : undefined,
      );
      const plan = await launch();
      await started(plan.machineName);
      if (check) assert.equal(await check.wasPreempted(plan.machineName), false, 'running, not preempted');
      await o.preempt(plan.machineName);
      await until(plan.machineName, (s) => s === 'stopped', 'listed stopped');
      if (check) assert.equal(await check.wasPreempted(plan.machineName), true);
      if (restart) {
        const zone = (await listed(plan.machineName))?.zone ?? null;
        assert.deepEqual(await restart.resume(plan.machineName), { zone });
        await until(plan.machineName, (s) => s !== 'stopped', 'started again');
      }
      writeFileSync(release(plan.commitId), '');
      await subject.backend.cancel(plan.machineName);
    });

    it('images: a baker for `mymlops image create`', async (t) => {
      const images = capability(t, 'images');
      if (!images) return;
      const baker = await images.baker();
      for (const m of ['create', 'waitSetup', 'stop', 'snapshot', 'deleteVm'] as const)
        assert.equal(typeof baker[m], 'function', m);
    });

    it('launchPreview: the request a launch would send, without key contents; the boot image', async (t) => {
      const preview = capability(t, 'launchPreview');
      if (!preview) return;
      const key = join(tmp, 'preview-key');
      writeFileSync(key, 'SECRET-KEY-CONTENTS\n');
      const plan = { ...o.plan('20250303_000099', '#!/bin/bash\n'), keys: { repository: key } };
      const shown = JSON.stringify(preview.describeLaunch(plan));
      assert.match(shown, new RegExp(plan.machineName));
      assert.doesNotMatch(shown, /SECRET-KEY-CONTENTS/);
      assert.ok(plan.instance, 'a backend that previews boots has an instance in its plans');
      assert.equal(await preview.describeBoot({ ...plan.instance, image: null }), null, 'a snapshot boot');
      const image = await preview.describeBoot({ ...plan.instance, image: 'debian-cloud/debian-12' });
      assert.match(image ?? '', /debian-12/);
    });

    it(`readLog of a machine it never launched ${o.unknownLog === 'throws' ? 'throws' : 'is empty and done'}`, async () => {
      const read = subject.backend.readLog('mymlops-20250303-999999', 0);
      if (o.unknownLog === 'throws') await assert.rejects(read, /mymlops-20250303-999999/);
      else assert.deepEqual(await read, { text: '', next: 0, done: true });
    });
  });
}
