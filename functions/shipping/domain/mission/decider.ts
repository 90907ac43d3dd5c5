import type { Decider } from '../../../kernel/domain/decider.js';
import type { MissionCommand } from './commands.js';
import { decideMission } from './decide.js';
import { evolve, initialState, type MissionFact, type MissionState } from './state.js';

/** The fulfillment mission aggregate. Stream id = missionIdFor(shipmentId). */
export const missionDecider: Decider<MissionCommand, MissionState, MissionFact> = {
  initialState,
  decide: decideMission,
  evolve,
};
