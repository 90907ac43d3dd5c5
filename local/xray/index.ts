export { batchGetTraces, getTraceSummaries, registerXRayApi } from './api.js';
export type { SegmentDocument, Trace, TraceSummary } from './collector.js';
export { XRayCollector } from './collector.js';
export { compileFilterExpression, type TraceFacts, type TracePredicate } from './filter-expression.js';
export { xrayApiPlugin } from './plugin.js';
