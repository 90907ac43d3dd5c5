import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { USER_PROFILE_TABLE_ENV, userProfileProjection } from './read-model/user-profile.js';

/**
 * Users' read model and its table's variable: what the projector keeps and what `npm run
 * rebuild-projections -- users` rebuilds from users' own store.
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: userProfileProjection, tableEnv: USER_PROFILE_TABLE_ENV },
];
