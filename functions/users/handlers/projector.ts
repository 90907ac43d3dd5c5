import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { readModels } from '../projections.js';

/** UserProfile from the user streams (UserCreated/UserUpdated/UserDeleted on the bus), gaps read from the store. */
export const handler = projectorHandler({
  service: 'users',
  readModels,
});
