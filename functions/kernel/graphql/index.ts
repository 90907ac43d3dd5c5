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
  actorOf,
  type Caller,
  CUSTOMER_GROUP,
  callerOf,
  isAdmin,
  principalOf,
} from './identity.js';
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
