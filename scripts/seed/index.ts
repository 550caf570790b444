// The programmatic API of `bqx seed` (used by the CLI command, the demo, the benchmark and the tests).
export { seedBars, DEFAULT_SEED, type SeedOptions, type SeedProgress, type SeedResult } from './load.js';
export { UserError } from '../lib/user-error.js';
export { isTradingMinute } from './market-model.js';
