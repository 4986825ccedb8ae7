/**
 * Every property test's failure report names the seed and the path of its counterexample
 * (fast-check's `{ seed, path }` line); FC_SEED=<seed> replays a run exactly, e.g.
 * `FC_SEED=-1234 npx vitest run test/engine/interleavings.test.ts`.
 */
import fc from 'fast-check';

const replaySeed = process.env.FC_SEED;
if (replaySeed !== undefined && !Number.isInteger(Number(replaySeed))) throw new Error(`FC_SEED must be an integer; got ${replaySeed}`);
fc.configureGlobal({ ...(replaySeed === undefined ? {} : { seed: Number(replaySeed) }) });
