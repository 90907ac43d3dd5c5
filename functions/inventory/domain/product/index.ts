export * from './commands.js';
export { decide as decideProduct, productRules } from './decide.js';
export * from './decider.js';
export {
  evolve as evolveProduct,
  initialState as initialProductState,
  type ProductFact,
  type ProductState,
} from './state.js';
