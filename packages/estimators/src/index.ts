export * from './browser.js';
export { checkEstimator, assertEstimatorConforms, type ConformanceReport, type ConformanceOptions } from './conformance.js';
