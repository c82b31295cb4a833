/**
 * Starts the lab once per integration run (or reuses a running one) and stops it afterwards if this
 * run started it. Set LIFEBOAT_LAB_KEEP=1 to leave it running for the next run.
 */
import { startLab, stopLab } from '../lab/lab.js';
import { readLabState } from '../lab/state.js';

export default async function setup() {
  const wasRunning = Boolean(readLabState());
  const t0 = Date.now();
  const state = await startLab({ log: (l) => console.log(`lab: ${l}`) });
  console.log(`lab: ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (${state.apiServer})`);
  return async () => {
    if (!wasRunning && !process.env.LIFEBOAT_LAB_KEEP) await stopLab(state.dir);
  };
}
