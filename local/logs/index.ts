export { compileFilterPattern, FilterPatternError, type MessagePredicate } from './filter-pattern.js';
export { type Command, parseQuery, QueryParseError } from './insights-parse.js';
export { type LogRecord, type QueryOutput, runQuery } from './insights-run.js';
export * from './plugin.js';
export { LogsService, type QueryDefinition } from './service.js';
export { type LogEvent, type LogGroup, LogStore, MAX_EVENTS_ENV } from './store.js';
