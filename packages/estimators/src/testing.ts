// @neurodecode/estimators/testing: the conformance kit, kept off the main entry so that a browser
// bundle of the estimators carries no test-only code.
export { checkEstimator, assertEstimatorConforms, type ConformanceReport, type ConformanceOptions } from './conformance.js';
