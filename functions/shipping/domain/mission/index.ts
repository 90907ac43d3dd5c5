export * from './agent.js';
export * from './commands.js';
export { decideMission, MISSION_PLAN, missionIdFor, missionRules, taskIdFor } from './decide.js';
export * from './decider.js';
export {
  evolve as evolveMission,
  initialState as initialMissionState,
  type MissionFact,
  type MissionState,
  type MissionTask,
  type TaskKind,
} from './state.js';
