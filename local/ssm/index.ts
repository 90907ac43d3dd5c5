export * from './plugin.js';
export { type ParameterType, type SeedParameter, SsmService } from './service.js';
