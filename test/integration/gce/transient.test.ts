// Following a commit on the simulator while the path to the API fails the way real ones do (HTML
// 502 pages, 503s, reset and refused connections): a burst is ridden out with every log line once,
// a lasting outage is one line with what to do next — never a stack.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GceBackend } from '../../../src/adapters/backends/gce/gce.js';
import type { LaunchPlan } from '../../../src/core/ports/backend.js';
import { SIM_INSTANCE, testCommitPlan } from '../../helpers/plans.js';
import { GceUnavailable } from '../../../src/adapters/gce/errors.js';
import { EXIT } from '../../../src/errors.js';
import { followLog } from '../../../src/core/commit/follow.js';
import { handleError } from '../../../src/program.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { launchWithFailover } from '../../../src/core/launch/failover.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-transient-'));
let s: SimEnv;
let proxy: FaultProxy;
let launcher: GceBackend;

before(async () => {
  s = await startSim(tmp);
  proxy = await startFaultProxy(s.sim.computeBase);
  launcher = new GceBackend({ env: { ...process.env, ...s.env }, home: s.home, notify: () => {} });
});
after(async () => {
  await proxy.close();
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

// The job writes until the test releases it (bounded), so the burst lands while it still runs.
const release = (n: number) => join(tmp, `release-${n}`);
const job = (n: number) => `#!/bin/bash
for i in $(seq 1 600); do [ -e '${release(n)}' ] && break; echo "job: tick $i"; sleep 0.1; done
echo "job: released"
echo 'mymlops: result {"status":"succeeded","exit_code":0,"error":null,"message":null,"published":true}'
echo 'mymlops: job finished status=succeeded'
`;

function plan(n: number): LaunchPlan {
  return testCommitPlan(`20250202_00000${n}`, {
    jobScript: job(n),
    instance: SIM_INSTANCE,
    maxDurationSeconds: 3600,
    keys: {},
  });
}

/** A backend that reaches the simulator only through the fault proxy. */
const follower = () =>
  new GceBackend({
    env: { ...process.env, ...s.env, CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: proxy.computeBase },
    home: s.home,
    notify: () => {},
  });

describe('following through a failing network', () => {
  it('rides out a burst of 502 pages, 503s, resets and refused connections', async () => {
    const p = plan(1);
    const r = await launchWithFailover(launcher, p);
    assert.ok(r.ok, JSON.stringify(r));
    let log = '';
    let burst: 'before' | 'on' | 'over' = 'before';
    const { outcome } = await followLog(follower(), p.machineName, {
      write: (t) => {
        log += t;
        if (burst === 'before' && log.includes('job: tick 1\n')) {
          burst = 'on';
          void proxy.refuseFor(700).then(() => {
            proxy.failFor(1500, ['502-html', '503', 'reset']);
            burst = 'over';
          });
        } else if (burst === 'over' && t.includes('job: tick')) writeFileSync(release(1), '');
      },
    });
    assert.equal(outcome?.status, 'succeeded', log);
    assert.match(log, /job: released\n/);
    // Every line exactly once and in order: retries neither lost nor repeated output.
    const ticks = [...log.matchAll(/^job: tick (\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(ticks.length > 10, log);
    assert.deepEqual(
      ticks,
      ticks.map((_, i) => i + 1),
    );
    assert.equal(proxy.served.refused, 1);
    assert.ok(proxy.served['502-html'] >= 1, JSON.stringify(proxy.served));
  });

  it('a lasting outage ends the follower with one line and exit 75, never a stack', async () => {
    const p = plan(2);
    const r = await launchWithFailover(launcher, p);
    assert.ok(r.ok, JSON.stringify(r));
    process.env['MYMLOPS_GCE_RETRY_BUDGET_MS'] = '1500';
    let failure: unknown;
    try {
      let log = '';
      await followLog(follower(), p.machineName, {
        write: (t) => {
          log += t;
          if (log.includes('job: tick 1') && proxy.served.refused < 2) void proxy.refuse();
        },
      });
    } catch (e) {
      failure = e;
    } finally {
      delete process.env['MYMLOPS_GCE_RETRY_BUDGET_MS'];
      writeFileSync(release(2), '');
    }
    assert.ok(failure instanceof GceUnavailable, String(failure));
    const printed: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = handleError(failure);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, EXIT.unavailable);
    const out = printed.join('');
    assert.equal(out.trim().split('\n').length, 1, out);
    assert.doesNotMatch(out, /internal error|\n\s+at /);
    assert.match(
      out,
      new RegExp(
        `Compute Engine did not answer \\(connection refused\\) — the job keeps running; follow it again with \`mymlops logs ${p.machineName} -f\``,
      ),
    );
  });
});
