export type { AlarmDefinition, AlarmStatus, LocalAlarm } from './alarms.js';
export { alarmDefinition, alarmsFromModel } from './alarms.js';
export { CloudWatchError } from './errors.js';
export * from './evaluate.js';
export { type Datapoint, type Dimension, type MetricId, MetricStore, type Statistic } from './metrics.js';
export * from './plugin.js';
export { type AlarmHistoryItem, type AlarmTransition, CloudWatchService } from './service.js';
