// Rules of the machine model that have exactly one home in src/ (see test/helpers/one-home.ts).
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const STATE = "'(?:provisioning|running|stopping|stopped|gone)'";

const RULES: HomeRule[] = [
  {
    // `m.state === 'gone'`, `old?.state !== 'running'`, ['provisioning', 'running', …] — not
    // `idle?.state`, the idle watchdog's own state (busy | idle | acting | stopped).
    rule: "what a machine's state means (live, up, down, present, its rank)",
    pattern: new RegExp(`(?<!\\bidle\\?)\\.state [!=]== ${STATE}|${STATE}, ${STATE}`),
    homes: ['src/core/machine-state.ts'],
  },
  {
    // The job's end travels typed (CommitMachine.ended); only the GCE listing reads the instance
    // metadata the startup script sets.
    rule: "a job's end as its machine reports it",
    pattern: /(?:metadata|md)\[['"](?:status|published|publish_error|message)['"]\]/,
    homes: ['src/adapters/backends/gce/machines.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
