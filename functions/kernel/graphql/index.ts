export { type Denial, deny, SECURITY_COMMANDS_ENV } from './audit.js';
export {
  type CommandAnswer,
  type CommandInvoker,
  functionFromEnv,
  lambdaCommandInvoker,
  RemoteCommandError,
} from './commands.js';
export {
  ADMIN_GROUP,
  ADMIN_ROLE_ARNS_ENV,
  actorOf,
  adminRoleArnsFrom,
  type Caller,
  CUSTOMER_GROUP,
  callerOf,
  isAdmin,
  isAllowListed,
  principalOf,
} from './identity.js';
export {
  DEFAULT_PAGE_SIZE,
  type IndexQuery,
  listPage,
  MAX_PAGE_SIZE,
  type Page,
  pageArgs,
  queryAll,
  queryPage,
  type ScanQuery,
  scanPage,
} from './pagination.js';
export { getView, queryIndex, readClient, scanView, tableFromEnv } from './read.js';
export {
  type AppSyncEvent,
  type FieldContext,
  type FieldResolver,
  field,
  type GraphqlHandlerOptions,
  graphqlHandler,
  noArgs,
  validationError,
} from './resolver.js';
