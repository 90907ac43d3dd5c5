import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';
import { CHAOS_TAG, FIS_EXEC_WRAPPER } from '../../lib/constructs/chaos/fault-injection.js';
import {
  CHAOS_CATALOGUE,
  CHAOS_EXPERIMENT_IDS,
  CHAOS_PARTICIPANTS,
} from '../../lib/stacks/chaos/catalogue.js';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
type Templates = Record<string, { Resources: Record<string, Resource> }>;

/** The whole app as `cdk synth` writes it (cdk-nag over every stack is the app test's job). */
function synthesize(env: Record<string, string>): Templates {
  const app = buildApp(loadConfig(env), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const assembly = app.synth({ skipValidation: true });
  return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Templates[string]]));
}

function resources(templates: Templates, type: string): Array<Resource & { stack: string }> {
  return Object.entries(templates).flatMap(([stack, t]) =>
    Object.values(t.Resources)
      .filter((r) => r.Type === type)
      .map((r) => ({ ...r, stack })),
  );
}

const tags = (r: Resource) =>
  Object.fromEntries(
    ((r.Properties?.Tags ?? []) as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]),
  );
/** An experiment template's `Name` tag (the L1 writes FIS's tags as a map). */
const nameOf = (r: Resource) => (r.Properties?.Tags as Record<string, string> | undefined)?.Name;
/** The logical ids of the parameters a function's layers are named by. */
const layerRefs = (r: Resource) =>
  ((r.Properties?.Layers ?? []) as Array<{ Ref?: string }>).map((layer) => String(layer.Ref));
const variables = (r: Resource) =>
  ((r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;

describe('the chaos stack in the app', () => {
  it('on dev: the catalogue, tagged by id, targeting the participants by tag, stopped by the SLO alarms; the monkey off', () => {
    const templates = synthesize({ STAGE: 'dev' });
    const chaos = templates['CommerceForge-dev-Chaos'];
    expect(chaos).toBeDefined();

    const experiments = resources(templates, 'AWS::FIS::ExperimentTemplate');
    expect(experiments.map(nameOf).sort()).toEqual([...CHAOS_EXPERIMENT_IDS].sort());
    for (const experiment of experiments) {
      const id = nameOf(experiment) as keyof typeof CHAOS_CATALOGUE;
      const stops = experiment.Properties?.StopConditions as Array<{ Source: string; Value: unknown }>;
      expect(stops).toHaveLength(CHAOS_CATALOGUE[id].stopConditions.length);
      for (const stop of stops) {
        expect(stop.Source).toBe('aws:cloudwatch:alarm');
        expect(JSON.stringify(stop.Value)).toMatch(/Observability.*slo/);
      }
      for (const target of Object.values(
        experiment.Properties?.Targets as Record<string, Record<string, unknown>>,
      )) {
        expect(target).toMatchObject({
          ResourceType: 'aws:lambda:function',
          SelectionMode: 'ALL',
          Parameters: { functionQualifier: 'live' },
        });
        expect(CHAOS_PARTICIPANTS).toContain((target.ResourceTags as Record<string, string>)[CHAOS_TAG]);
      }
    }

    // Exactly the participants carry the tag, the wrapper and the layer; every other function neither.
    const functions = resources(templates, 'AWS::Lambda::Function');
    const participants = functions.filter((fn) => tags(fn)[CHAOS_TAG]);
    expect(participants.map((fn) => tags(fn)[CHAOS_TAG]).sort()).toEqual([...CHAOS_PARTICIPANTS].sort());
    for (const fn of participants) {
      expect(variables(fn).AWS_LAMBDA_EXEC_WRAPPER).toBe(FIS_EXEC_WRAPPER);
      expect(JSON.stringify(variables(fn).AWS_FIS_CONFIGURATION_LOCATION)).toContain('/FisConfigs/');
      // The FIS extension beside Powertools' layer (each named by its public parameter's logical id).
      expect(layerRefs(fn)).toEqual([
        expect.stringMatching(/^SsmParameterValueawsservicepowertools/),
        expect.stringMatching(/^SsmParameterValueawsservicefislambdaextension/),
      ]);
    }
    for (const fn of functions.filter((f) => !tags(f)[CHAOS_TAG])) {
      expect(variables(fn).AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
      expect(layerRefs(fn).filter((ref) => /fislambdaextension/.test(ref))).toEqual([]);
    }

    // No stack references the chaos stack: it comes last, and a reference back would be a cycle.
    for (const [stack, template] of Object.entries(templates)) {
      if (stack.endsWith('-Chaos')) continue;
      expect(JSON.stringify(template)).not.toMatch(/ImportValue[^}]*Chaos/);
    }

    const [schedule] = resources(templates, 'AWS::Scheduler::Schedule');
    expect(schedule?.Properties).toMatchObject({
      State: 'DISABLED',
      ScheduleExpression: 'cron(0 9-16 ? * MON-FRI *)',
    });
  });

  it('on prod: nothing chaos-related unless enabled (no stack, no template, no layer, no wrapper, no tag)', () => {
    const templates = synthesize({ STAGE: 'prod' });
    expect(Object.keys(templates).some((name) => name.endsWith('-Chaos'))).toBe(false);
    expect(resources(templates, 'AWS::FIS::ExperimentTemplate')).toEqual([]);
    expect(resources(templates, 'AWS::Scheduler::Schedule')).toEqual([]);
    for (const fn of resources(templates, 'AWS::Lambda::Function')) {
      expect(variables(fn).AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
      expect(variables(fn).AWS_FIS_CONFIGURATION_LOCATION).toBeUndefined();
      expect(layerRefs(fn).filter((ref) => /fislambdaextension/.test(ref))).toEqual([]);
      expect(tags(fn)[CHAOS_TAG]).toBeUndefined();
    }
    expect(JSON.stringify(templates)).not.toContain('aws-fis');
  });
});
