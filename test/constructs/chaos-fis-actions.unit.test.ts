import { describe, expect, it } from 'vitest';
import {
  durationSeconds,
  experimentTemplateProblems,
  type FisTemplateActions,
  FisTemplateError,
  validateExperimentTemplate,
} from '../../lib/constructs/chaos/fis-actions.js';
import { CHAOS_CATALOGUE, CHAOS_EXPERIMENT_IDS } from '../../lib/stacks/chaos/catalogue.js';

const functions = {
  resourceType: 'aws:lambda:function',
  selectionMode: 'ALL',
  resourceTags: { 'commerceforge:chaos': 'payments' },
  parameters: { functionQualifier: 'live' },
};

interface Action {
  actionId: string;
  parameters: Record<string, string>;
  targets?: Record<string, string>;
  startAfter?: string[];
}
interface Target {
  resourceType: string;
  selectionMode: string;
  resourceTags?: Record<string, string>;
  resourceArns?: string[];
  parameters?: Record<string, string>;
}
/** A template the cases edit: its two actions and its target by name, and room for more. */
interface Editable {
  actions: { fail: Action; later: Action } & Record<string, Action>;
  targets: { payments: Target } & Record<string, Target>;
}

/** A valid template, changed by `change` (a fresh copy: each case starts from the valid one). */
function template(change: (t: Editable) => void) {
  const t: Editable = {
    actions: {
      fail: {
        actionId: 'aws:lambda:invocation-error',
        parameters: { duration: 'PT5M', invocationPercentage: '30', preventExecution: 'true' },
        targets: { Functions: 'payments' },
      },
      later: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' }, startAfter: ['fail'] },
    },
    targets: { payments: structuredClone(functions) },
  };
  change(t);
  return t as FisTemplateActions;
}

describe("FIS's action definitions", () => {
  it('read ISO 8601 durations', () => {
    expect(durationSeconds('PT10M')).toBe(600);
    expect(durationSeconds('PT1H30M')).toBe(5400);
    expect(durationSeconds('P1D')).toBe(86_400);
    expect(durationSeconds('PT0.5S')).toBe(0.5);
    for (const bad of ['10m', 'PT', 'P', 'PT5', '5M', 'P1M']) expect(durationSeconds(bad)).toBeUndefined();
  });

  it('accept every template of the catalogue in the shape the construct gives FIS', () => {
    for (const id of CHAOS_EXPERIMENT_IDS) {
      const spec = CHAOS_CATALOGUE[id];
      const shaped: FisTemplateActions = {
        targets: Object.fromEntries(
          Object.entries(spec.targets).map(([name, { participant }]) => [
            name,
            { ...functions, resourceTags: { 'commerceforge:chaos': participant } },
          ]),
        ),
        actions: Object.fromEntries(
          Object.entries(spec.actions).map(([name, a]) => [
            name,
            {
              actionId: a.actionId,
              parameters: Object.fromEntries(Object.entries(a.parameters).map(([k, v]) => [k, String(v)])),
              ...(a.target ? { targets: { Functions: a.target } } : {}),
              ...(a.startAfter ? { startAfter: a.startAfter } : {}),
            },
          ]),
        ),
      };
      expect(experimentTemplateProblems(shaped), id).toEqual([]);
    }
  });

  it.each<[string, (t: Editable) => void, RegExp]>([
    [
      'an unknown action',
      (t) => (t.actions.fail.actionId = 'aws:lambda:invocation-explode'),
      /unknown actionId/,
    ],
    ['a percentage of 0', (t) => (t.actions.fail.parameters.invocationPercentage = '0'), /from 1 to 100/],
    ['a percentage of 101', (t) => (t.actions.fail.parameters.invocationPercentage = '101'), /from 1 to 100/],
    ['a fractional percentage', (t) => (t.actions.fail.parameters.invocationPercentage = '2.5'), /integer/],
    ['a duration that is not ISO 8601', (t) => (t.actions.fail.parameters.duration = '5m'), /ISO 8601/],
    ['a duration over 12 hours', (t) => (t.actions.fail.parameters.duration = 'PT13H'), /PT12H/],
    ['a wait under a minute', (t) => (t.actions.later.parameters.duration = 'PT30S'), /PT1M to PT12H/],
    ['a missing duration', (t) => delete t.actions.fail.parameters.duration, /'duration' is required/],
    [
      'preventExecution that is not a boolean',
      (t) => (t.actions.fail.parameters.preventExecution = 'yes'),
      /true or false/,
    ],
    [
      'a parameter FIS does not have',
      (t) => (t.actions.fail.parameters.statusCode = '503'),
      /no parameter 'statusCode'/,
    ],
    [
      'a delay over 900,000 ms',
      (t) => {
        t.actions.fail.actionId = 'aws:lambda:invocation-add-delay';
        t.actions.fail.parameters = { duration: 'PT5M', startupDelayMilliseconds: '900001' };
      },
      /0 to 900000/,
    ],
    [
      'an HTTP response without its status code',
      (t) => {
        t.actions.fail.actionId = 'aws:lambda:invocation-http-integration-response';
        t.actions.fail.parameters = { duration: 'PT5M', contentTypeHeader: 'application/json' };
      },
      /'statusCode' is required/,
    ],
    [
      'startAfter naming no action',
      (t) => (t.actions.later.startAfter = ['nothing']),
      /startAfter 'nothing' is not an action/,
    ],
    ['startAfter itself', (t) => (t.actions.later.startAfter = ['later']), /cannot start after itself/],
    ['a startAfter cycle', (t) => (t.actions.fail.startAfter = ['later']), /startAfter makes a cycle/],
    ['a Lambda action without a target', (t) => delete t.actions.fail.targets, /needs a Functions target/],
    [
      'a target that does not exist',
      (t) => (t.actions.fail.targets = { Functions: 'orders' }),
      /not one of the template's targets/,
    ],
    ['a wait with a target', (t) => (t.actions.later.targets = { Functions: 'payments' }), /takes no target/],
    [
      'a bad selection mode',
      (t) => (t.targets.payments.selectionMode = 'SOME'),
      /not ALL, COUNT\(n\) or PERCENT\(n\)/,
    ],
    [
      'PERCENT over 100',
      (t) => (t.targets.payments.selectionMode = 'PERCENT(150)'),
      /PERCENT must be 1 to 100/,
    ],
    [
      'tags and ARNs at once',
      (t) => (t.targets.payments.resourceArns = ['arn:aws:lambda:eu-west-1:123456789012:function:f']),
      /exactly one of them/,
    ],
    [
      'a target parameter Lambda does not have',
      (t) => (t.targets.payments.parameters = { version: '3' }),
      /no parameter 'version'/,
    ],
    [
      'a target no action uses',
      (t) => (t.targets.spare = structuredClone(functions)),
      /target 'spare' is used by no action/,
    ],
    ['no action at all', (t) => (t.actions = {} as Editable['actions']), /at least one action/],
    [
      'an action name with a space',
      (t) => (t.actions['fail twice'] = structuredClone(t.actions.fail)),
      /'fail twice' is not a FIS name/,
    ],
  ])('reject %s', (_case, change, problem) => {
    const bad = template(change);
    expect(experimentTemplateProblems(template(() => {}))).toEqual([]);
    expect(() => validateExperimentTemplate('bad', bad)).toThrow(FisTemplateError);
    expect(experimentTemplateProblems(bad).join('\n')).toMatch(problem);
  });

  it('name every problem at once, with a stable code', () => {
    const bad = template((t) => {
      t.actions.fail.parameters.invocationPercentage = '0';
      t.actions.later.startAfter = ['nothing'];
    });
    try {
      validateExperimentTemplate('two-problems', bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FisTemplateError);
      expect((error as FisTemplateError).code).toBe('INVALID_FIS_TEMPLATE');
      expect((error as FisTemplateError).problems).toHaveLength(2);
      expect((error as FisTemplateError).message).toContain("'two-problems'");
    }
  });
});
