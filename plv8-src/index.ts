// Public surface of the kernel (for Node code and tests; the PLV8 bundle uses plv8-entry.ts).
export * from './spec.js';
export { computeFeatures, type FeatureResult, type RateInput } from './kernel.js';
