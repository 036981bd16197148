/** Every benchmark `npm run bench` runs, in order. Add a new entry's module here. */
import { cachedRead } from './cached-read.mjs';
import { coldConcurrency } from './cold-concurrency.mjs';
import { fleetStart } from './fleet-start.mjs';
import { memory } from './memory.mjs';
import { rotationPropagation } from './rotation-propagation.mjs';
import { sidecarThroughput, sidecarThroughputAgent } from './sidecar-throughput.mjs';
import { startupFetch } from './startup-fetch.mjs';
import { steadyRefresh } from './steady-refresh.mjs';

export const entries = [
  cachedRead,
  coldConcurrency,
  startupFetch,
  steadyRefresh,
  sidecarThroughput,
  sidecarThroughputAgent,
  rotationPropagation,
  fleetStart,
  memory,
];
