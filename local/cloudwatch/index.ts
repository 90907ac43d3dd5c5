export type { AlarmDefinition, AlarmStatus, LocalAlarm } from './alarms.js';
export { alarmDefinition, alarmsFromModel } from './alarms.js';
export { type AwsMetricSources, awsMetricsPlugin } from './aws-metrics.js';
export { type EmfDatapoint, parseEmfLine } from './emf.js';
export { CloudWatchError } from './errors.js';
export * from './evaluate.js';
export { getMetricData, getMetricStatistics, listMetrics, statisticSeries } from './metric-data.js';
export { evaluateExpression, type Series } from './metric-math.js';
export {
  type Datapoint,
  type Dimension,
  type MetricId,
  MetricStore,
  parseStatistic,
  percentile,
  type Statistic,
} from './metrics.js';
export * from './plugin.js';
export { type AlarmHistoryItem, type AlarmTransition, CloudWatchService } from './service.js';
