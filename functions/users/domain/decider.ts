import type { Decider } from '../../kernel/domain/decider.js';
import type { UserCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type UserFact, type UserState } from './state.js';

/** One stream per user. */
export const userStreamId = (userId: string): string => `user#${userId}`;

export const userDecider: Decider<UserCommand, UserState, UserFact> = { initialState, decide, evolve };
