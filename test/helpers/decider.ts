import { expect } from 'vitest';
import { type Decider, type Fact, fold } from '../../functions/kernel/domain/decider.js';
import type { DomainError } from '../../functions/kernel/domain/errors.js';

/**
 * given / when / then for deciders (Emmett's DeciderSpecification; `thenEmits`, not `then`, which would
 * make the object a thenable):
 *   spec(decider).given([...facts]).when(command).thenEmits([...facts])
 *   spec(decider).given([...facts]).when(command).thenThrows(BusinessRuleError, 'stock-never-negative')
 * `thenThrows` takes the error class and, optionally, the code or (for BusinessRuleError) the rule.
 */
export function spec<Command, State, Event extends Fact>(decider: Decider<Command, State, Event>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, fold(decider, events));
          return {
            thenEmits(expected: readonly Event[]) {
              expect(run()).toEqual(expected);
            },
            thenThrows(errorClass: abstract new (...args: never[]) => DomainError, codeOrRule?: string) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown, 'the command should have been refused').toBeInstanceOf(errorClass);
              if (codeOrRule !== undefined) {
                const error = thrown as DomainError & { rule?: string };
                expect([error.code, error.rule]).toContain(codeOrRule);
              }
            },
          };
        },
      };
    },
  };
}
