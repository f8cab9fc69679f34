// The viewer's choice among a result's mime types, against nbconvert's own HTML exporter
// (python3-nbconvert's HTMLExporter display_data_priority): the same order for every type both
// know; widgets and javascript, which never run in the viewer, are the only ones it leaves out.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { chosenMime, DISPLAY_PRIORITY } from '../../src/dashboard/web/outputs.js';

const NOT_RUN = ['application/vnd.jupyter.widget-view+json', 'application/javascript'];

test("the viewer's display priority is nbconvert's HTML exporter's", () => {
  const py =
    'import json\nfrom nbconvert.exporters.html import HTMLExporter\n' +
    "print(json.dumps(HTMLExporter().default_config['NbConvertBase']['display_data_priority']))";
  const theirs = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' })) as string[];
  const ours: readonly string[] = DISPLAY_PRIORITY;
  assert.deepEqual(
    ours.filter((m) => theirs.includes(m)),
    theirs.filter((m) => !NOT_RUN.includes(m)),
  );
  // Each pair of types a result can carry: the one nbconvert would show.
  const known = theirs.filter((m) => !NOT_RUN.includes(m));
  for (const a of known)
    for (const b of known) {
      const want = theirs.indexOf(a) <= theirs.indexOf(b) ? a : b;
      assert.equal(chosenMime({ [a]: 'x', [b]: 'y' }), want, `${a} + ${b}`);
    }
});
