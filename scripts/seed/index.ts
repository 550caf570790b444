// The programmatic API of `bqx seed` (used by the CLI command, the demo and the benchmark).
export { seedBars, DEFAULT_SEED, type SeedOptions, type SeedProgress, type SeedResult } from './load.js';
export { UserError } from '../lib/user-error.js';
export {
  CURRENCIES,
  isTradingMinute,
  pairSpec,
  pairRate,
  simulateMonth,
  type MarketMonth,
  type PairSpec,
} from './market-model.js';
export { pairMonthBars, type Bar } from './generate.js';
