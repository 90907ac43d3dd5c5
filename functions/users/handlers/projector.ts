import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { userProfileProjection } from '../read-model/user-profile.js';

/** Environment variable of the UserProfile table (UsersStack grants it). */
export const USER_PROFILE_TABLE_ENV = 'USER_PROFILE_TABLE';

/** UserProfile from the user streams (UserCreated/UserUpdated/UserDeleted on the bus), gaps read from the store. */
export const handler = projectorHandler({
  service: 'users',
  readModels: [{ projection: userProfileProjection, tableEnv: USER_PROFILE_TABLE_ENV }],
});
