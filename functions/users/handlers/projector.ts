import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { USER_PROFILE_TABLE_ENV, userProfileProjection } from '../read-model/user-profile.js';

/** UserProfile from the user streams (UserCreated/UserUpdated/UserDeleted on the bus), gaps read from the store. */
export const handler = projectorHandler({
  service: 'users',
  readModels: [{ projection: userProfileProjection, tableEnv: USER_PROFILE_TABLE_ENV }],
});
