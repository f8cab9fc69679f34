// Rules of the backend's capabilities and of a job's outcome, each with one home in src/ (see
// test/helpers/one-home.ts). Their table tests: test/unit/backend-capabilities.test.ts,
// test/unit/commit/outcome.test.ts.
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

/** The methods of the port's capabilities (src/core/ports/backend.ts). */
const M = 'stopDev|resumeDev|deleteDev|publish|resume|baker|describeLaunch|describeBoot|wasPreempted';

const RULES: HomeRule[] = [
  {
    rule: 'how a followed job ended (its outcome → message and exit code)',
    pattern: /\boutcome\??\.status\b|ended without a result/,
    homes: ['src/core/commit/outcome.ts'],
  },
  {
    rule: 'which capabilities a backend has (its capabilities record)',
    pattern: /\bcapabilities(: BackendCapabilities| = \{)/,
    homes: [
      'src/core/ports/backend.ts',
      'src/adapters/backends/local/local.ts',
      'src/adapters/backends/gce/gce.ts',
    ],
  },
  {
    rule: 'a capability is asked of the capabilities record, never probed on the backend',
    pattern: new RegExp(
      `typeof [^;\\n]*\\.(${M})\\b|\\.(${M})\\?\\.|(if \\(|\\|\\| |&& )!?[\\w.]+\\.(${M})\\)|'(${M})' in `,
    ),
    homes: [],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
