// Rules the adapters review gave one home (see test/helpers/one-home.ts), with the rule's table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointBase } from '../../../src/adapters/gce/http.js';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    // gcloud's CLOUDSDK_API_ENDPOINT_OVERRIDES_<API> (compute, IAM, storage) in endpointBase; the
    // billing catalog's base has a variable of mymlops's own before gcloud's (prices.ts).
    rule: "a Google API's base URL from its endpoint override, ending in /",
    pattern: /\.endsWith\('\/'\) \? /,
    homes: ['src/adapters/gce/http.ts', 'src/adapters/gce/prices.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));

test('endpointBase: the override when set and not empty, else the fallback; always ending in /', () => {
  const V = 'CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE';
  const fallback = 'https://compute.googleapis.com/compute/v1/';
  const rows: [string | undefined, string][] = [
    [undefined, fallback],
    ['', fallback],
    ['http://127.0.0.1:8080/compute/v1/', 'http://127.0.0.1:8080/compute/v1/'],
    ['http://127.0.0.1:8080/compute/v1', 'http://127.0.0.1:8080/compute/v1/'],
  ];
  for (const [value, want] of rows)
    assert.equal(endpointBase(V, fallback, value === undefined ? {} : { [V]: value }), want, String(value));
});
