// `npm run gce-sim -- --port PORT [--fixture FILE] [--boot-delay MS]`: the Compute Engine
// simulator in the foreground (Ctrl-C stops it and every simulated VM).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Fixture } from './fixture.js';
import { createGceSim } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    fixture: { type: 'string' },
    'boot-delay': { type: 'string' },
  },
});
const fixture = values.fixture ? (JSON.parse(readFileSync(values.fixture, 'utf8')) as Fixture) : undefined;
const sim = await createGceSim({
  port: Number(values.port),
  ...(fixture ? { fixture } : {}),
  ...(values['boot-delay'] ? { bootDelayMs: Number(values['boot-delay']) } : {}),
});
process.stdout.write(`listening on ${sim.url}\n`);
process.stdout.write(`compute: CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=${sim.computeBase}\n`);
process.stdout.write(`billing: MYMLOPS_BILLING_ENDPOINT=${sim.billingBase}\n`);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
