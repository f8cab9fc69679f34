// `mymlops image create`'s pure rules: the default image, names, and the snapshot line written into
// mymlops.yml (every block-style boot source, never commit.snapshot's settings mapping).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bakerName,
  defaultSnapshotName,
  defaultSourceImage,
  snapshotNameProblem,
  withSnapshot,
} from '../../../src/core/image/bake.js';

test('the default image: a Deep Learning VM family with GPUs, Debian without', () => {
  const rows: [string, string | null, RegExp][] = [
    [
      'n1-standard-8',
      'nvidia-tesla-t4',
      /deeplearning-platform-release\/global\/images\/family\/pytorch-latest-gpu$/,
    ],
    ['g2-standard-8', null, /deeplearning-platform-release/],
    ['e2-standard-4', null, /debian-cloud\/global\/images\/family\/debian-12$/],
  ];
  for (const [machine_type, accelerator, want] of rows)
    assert.match(defaultSourceImage({ machine_type, accelerator }), want);
});

test('names: a dated default, refused names, the VM after its snapshot', () => {
  assert.equal(defaultSnapshotName(new Date('2026-12-04T21:05:09Z')), 'mymlops-image-20261204-210509');
  assert.equal(snapshotNameProblem('mymlops-image-20261204-210509'), null);
  for (const bad of ['Upper', '1abc', 'a_b', 'x'.repeat(64), 'ends-'])
    assert.ok(snapshotNameProblem(bad), bad);
  assert.equal(bakerName('baked'), 'baked-vm');
  assert.ok(bakerName('x'.repeat(63)).length <= 63);
});

test('withSnapshot replaces block-style boot sources only', () => {
  const yml = `backend: gce
commit:
  instance:
    zone_regex: us-.*
    image: projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu # first boot
  snapshot:
    exclude: [data/]
start:
  instance:
    snapshot: old
`;
  assert.equal(
    withSnapshot(yml, 'baked'),
    yml.replace(/image: projects\S+/, 'snapshot: baked').replace('snapshot: old', 'snapshot: baked'),
  );
  assert.equal(withSnapshot('commit:\n  instance: {zone_regex: x, snapshot: s}\n', 'baked'), null);
});
