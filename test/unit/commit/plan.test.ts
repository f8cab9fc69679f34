// Pure planning: ids, machine names, the LaunchPlan and job.json, the log scanner.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { completeUtf8 } from '../../../src/adapters/backends/local/log-file.js';
import { releaseCommitId, reserveCommitId } from '../../../src/adapters/store/jobs.js';
import {
  commitIdAt,
  commitIdCandidates,
  commitIdDate,
  isCommitId,
  machineNameFor,
  snapshotRef,
} from '../../../src/core/commit/ids.js';
import { OutcomeScanner } from '../../../src/core/commit/follow.js';
import { finalLine, outcomeLine } from '../../../src/core/commit/outcome.js';
import { diskIsFull } from '../../../src/util/disk.js';
import { planCommit } from '../../../src/core/commit/plan.js';
import { testConfig as config } from '../../helpers/plans.js';
import { readJobScript } from '../../../src/adapters/assets.js';

describe('commit ids', () => {
  const table: [string, string][] = [
    ['2024-11-07T03:53:40.999Z', '20241107_035340'],
    ['2024-01-02T00:00:00Z', '20240102_000000'],
    ['1999-12-31T23:59:59Z', '19991231_235959'],
  ];
  for (const [iso, id] of table)
    it(`${iso} → ${id}`, () => {
      assert.equal(commitIdAt(new Date(iso)), id);
      assert.equal(commitIdDate(id)?.toISOString(), new Date(`${iso.slice(0, 19)}Z`).toISOString());
    });
  it('machine name and ref', () => {
    assert.equal(machineNameFor('20241107_035340'), 'mymlops-20241107-035340');
    assert.equal(snapshotRef('20241107_035340'), 'refs/mymlops/snapshots/20241107_035340');
  });
  it('what is an id: one table for the store, status, completion and the dashboard', () => {
    const table: [string, string | null][] = [
      ['20241107_035340', '2024-11-07T03:53:40.000Z'],
      // Earlier versions bumped a taken id with a suffix: the same instant.
      ['20241107_035340_2', '2024-11-07T03:53:40.000Z'],
      ['20241107_035340_12', '2024-11-07T03:53:40.000Z'],
      ['20241107_035340_', null],
      ['20241107_035340_x', null],
      ['2024110_035340', null],
      ['20241332_000000', null],
      ['20241107_035360', null],
      ['20240230_000000', null],
      ['x', null],
      ['.github', null],
      ['', null],
    ];
    for (const [id, iso] of table) {
      assert.equal(commitIdDate(id)?.toISOString() ?? null, iso, id);
      assert.equal(isCommitId(id), iso !== null, id);
    }
  });
  it('machine names per attempt', () => {
    const table: [string, number, string][] = [
      ['20241107_035340', 1, 'mymlops-20241107-035340'],
      ['20241107_035340', 2, 'mymlops-20241107-035340-a2'],
      ['20241107_035340', 10, 'mymlops-20241107-035340-a10'],
      ['20241107_035340_2', 1, 'mymlops-20241107-035340-2'],
    ];
    for (const [id, attempt, name] of table) assert.equal(machineNameFor(id, attempt), name);
  });
  it('candidates bump one second at a time across minute/day boundaries', () => {
    const it = commitIdCandidates(new Date('2024-12-31T23:59:59Z'));
    assert.deepEqual([it.next().value, it.next().value], ['20241231_235959', '20250101_000000']);
  });
  it('reserves ids atomically: three commits in one second get three ids in the same format', () => {
    const home = mkdtempSync(join(tmpdir(), 'mymlops-ids-'));
    try {
      const now = new Date('2024-11-07T03:53:40Z');
      const ids = [reserveCommitId(now, home), reserveCommitId(now, home), reserveCommitId(now, home)];
      assert.deepEqual(ids, ['20241107_035340', '20241107_035341', '20241107_035342']);
      releaseCommitId(ids[1]!, home);
      assert.deepEqual(readdirSync(join(home, 'jobs')).sort(), [ids[0], ids[2]]);
      assert.equal(reserveCommitId(now, home), '20241107_035341');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('planCommit', () => {
  const request = { notebook: 'exp/exp001.ipynb', notes: 'try lr=1e-3', artifacts: true, keepMachine: false };
  it('builds a backend-neutral plan: script, job.json, keys, metadata', () => {
    const plan = planCommit({
      config: config('gce'),
      request,
      commitId: '20241107_035340',
      sourceCommit: 'a'.repeat(40),
      jobScript: readJobScript(),
    });
    assert.equal(plan.kind, 'commit');
    assert.equal(plan.machineName, 'mymlops-20241107-035340');
    assert.match(plan.jobScript, /^#!\/usr\/bin\/env bash\n/);
    assert.deepEqual(plan.keys, { repository: '/k/repo', output: undefined });
    assert.deepEqual(plan.labels, { mymlops: 'commit' });
    assert.equal(plan.maxDurationSeconds, 3600);
    assert.equal(plan.metadata['notebook'], 'exp001.ipynb');
    assert.equal(plan.metadata['accelerator'], 'nvidia-tesla-t4');
    const job = plan.jobConfig;
    assert.deepEqual(job.repository, {
      url: 'git@github.com:me/repo.git',
      branch: 'main',
      ref: 'refs/mymlops/snapshots/20241107_035340',
      sha: 'a'.repeat(40),
    });
    assert.equal(job.notebook, 'exp/exp001.ipynb');
    assert.equal(job.log_max_bytes, 2048);
    assert.equal(job.machine.machine_type, 'n1-standard-8');
    assert.deepEqual(Object.keys(job.metadata).sort(), [
      'accelerator',
      'artifacts',
      'attempt',
      'backend',
      'branch',
      'commit',
      'instance',
      'machine_type',
      'notebook',
      'notebook_path',
      'notes',
      'repository',
      'source_commit',
      'zone',
    ]);
    assert.equal(job.metadata['notes'], 'try lr=1e-3');
    // nothing secret travels in job.json
    assert.doesNotMatch(JSON.stringify(job), /\/k\/repo/);
  });
  it('credentials in https URLs travel as plan.credentials only: every URL it stores is stripped', () => {
    const base = config('gce');
    const c = base.commit!;
    const cases: [string, string, string, string][] = [
      // repository url, output url, stored repository url, stored output url
      [
        'https://alice:S3cr3tTok@host/me/repo.git',
        'https://ghp_0utT0k@host:8443/me/out.git',
        'https://host/me/repo.git',
        'https://host:8443/me/out.git',
      ],
      [
        'git@github.com:me/repo.git',
        'https://host/out.git',
        'git@github.com:me/repo.git',
        'https://host/out.git',
      ],
    ];
    for (const [repoUrl, outUrl, repoStored, outStored] of cases) {
      const plan = planCommit({
        config: {
          ...base,
          commit: {
            ...c,
            repository: { ...c.repository, url: repoUrl },
            output_repository: { ...c.output_repository, url: outUrl },
          },
        },
        request,
        commitId: '20241107_035340',
        sourceCommit: 'a'.repeat(40),
        jobScript: readJobScript(),
      });
      assert.equal(plan.jobConfig.repository.url, repoStored);
      assert.equal(plan.jobConfig.output_repository.url, outStored);
      assert.equal(plan.jobConfig.metadata.repository, repoStored);
      assert.equal(plan.metadata['repository'], repoStored);
      const expected: Record<string, unknown> = {};
      if (repoUrl.includes('S3cr3tTok'))
        expected['repository'] = { username: 'alice', password: 'S3cr3tTok' };
      if (outUrl.includes('ghp_0utT0k')) expected['output'] = { username: 'ghp_0utT0k', password: '' };
      assert.deepEqual(plan.credentials, expected);
      const { credentials: _, ...rest } = plan;
      assert.doesNotMatch(JSON.stringify(rest), /S3cr3tTok|ghp_0utT0k/);
    }
  });
  it('local plans carry no machine type or accelerator', () => {
    const plan = planCommit({
      config: config('local'),
      request,
      commitId: '20241107_035340',
      sourceCommit: 'b'.repeat(40),
      jobScript: readJobScript(),
    });
    const job = plan.jobConfig;
    assert.equal(job.machine.backend, 'local');
    assert.equal(job.machine.machine_type, null);
    assert.equal(job.metadata['accelerator'], null);
    assert.equal(plan.instance, null);
  });
});

describe('OutcomeScanner / outcomeLine', () => {
  it('a job that left no result on a full disk is said to be that, not a kill', () => {
    assert.equal(
      outcomeLine('20241107_035340', null),
      'commit 20241107_035340 stopped: the job ended without a result (killed?)',
    );
    assert.match(
      finalLine('20241107_035340', null, { fullDisk: '/home/u/.mymlops' }),
      /^commit 20241107_035340 stopped: the job ended without a result — the disk holding \/home\/u\/\.mymlops is full .*then `mymlops retry 20241107_035340`$/,
    );
    const fs = (bavail: number) => () => ({ bavail, bsize: 4096 });
    assert.equal(diskIsFull('/x', fs(0)), true);
    assert.equal(diskIsFull('/x', fs(10)), true, 'under 1 MB left');
    assert.equal(diskIsFull('/x', fs(1_000_000)), false);
    assert.equal(diskIsFull('/no/such/folder/at/all'), false, 'unknown is not full');
  });
  it('reads the result line even when split across chunks', () => {
    const s = new OutcomeScanner();
    const text =
      'noise\nmymlops: result {"status": "failed", "exit_code": 1, "error": {"cell": 2, "ename": "KeyError", "evalue": "\'a\'"}, "message": "the command exited with code 1", "published": true}\nmymlops: job finished status=failed\n';
    for (let i = 0; i < text.length; i += 7) s.feed(text.slice(i, i + 7));
    s.end();
    assert.equal(s.finished, true);
    assert.equal(s.outcome?.status, 'failed');
    assert.equal(
      outcomeLine('20241107_035340', s.outcome),
      "commit 20241107_035340 failed — KeyError: 'a' (cell 2)",
    );
  });
  it('says why a job was stopped, how far it got, what it pushed and how to run it again', () => {
    const s = new OutcomeScanner();
    s.feed(
      'mymlops: result {"error": null, "exit_code": 143, "message": "the machine was preempted: …", "progress": {"cells_done": 3, "cells_total": 8}, "published": true, "reason": "preempted", "status": "stopped"}\n',
    );
    assert.equal(s.outcome?.reason, 'preempted');
    assert.deepEqual(s.outcome?.progress, { cells_done: 3, cells_total: 8 });
    assert.equal(
      outcomeLine('x', s.outcome),
      'commit x was preempted after 3/8 cells — partial notebook pushed; `mymlops retry x` runs it again',
    );
    const stopped = { status: 'stopped' as const, exitCode: 143, error: null, message: null };
    assert.equal(
      outcomeLine('x', { ...stopped, published: false, reason: 'stopped', progress: null }),
      'commit x was stopped (the machine was shut down) — the partial notebook could not be pushed (it is kept on the machine); `mymlops retry x` runs it again',
    );
  });
  it('says when a job ended without a result', () => {
    assert.match(outcomeLine('x', null), /stopped: the job ended without a result/);
    assert.equal(
      outcomeLine('x', {
        status: 'failed',
        exitCode: 0,
        error: null,
        message: 'not executed',
        published: true,
      }),
      'commit x failed — not executed',
    );
  });
});

describe('completeUtf8', () => {
  it('never cuts a character in half', () => {
    const b = Buffer.from('aé€😀', 'utf8'); // 1 + 2 + 3 + 4 bytes
    const cuts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => completeUtf8(b, n));
    assert.deepEqual(cuts, [1, 1, 3, 3, 3, 6, 6, 6, 6, 10]);
  });
});
