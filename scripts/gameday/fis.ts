/**
 * The experiment, driven only through the FIS API (`@aws-sdk/client-fis`): the template found by its `Name`
 * tag, started, watched until it ends, stopped on request. The same calls run a deployed stage's templates.
 */
import {
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { GameDayError } from './errors.js';
import type { TemplateAction } from './hypothesis.js';
import { clientConfig, type Target } from './target.js';

/** FIS's terminal experiment states. */
const ENDED = new Set(['completed', 'stopped', 'failed', 'cancelled']);

export interface ExperimentTemplateInfo {
  readonly id: string;
  readonly description?: string;
  readonly actions: readonly TemplateAction[];
  readonly stopConditions: readonly string[];
}

export interface StateChange {
  readonly at: string;
  readonly status: string;
  readonly reason?: string;
}

export function fisRunner(target: Target) {
  const fis = new FisClient(clientConfig(target));

  return {
    /** The template tagged `Name` = `name`; its actions and stop conditions, for the report and the tolerances. */
    async template(name: string): Promise<ExperimentTemplateInfo> {
      const known: string[] = [];
      let token: string | undefined;
      let id: string | undefined;
      do {
        const page = await fis.send(new ListExperimentTemplatesCommand({ nextToken: token }));
        for (const template of page.experimentTemplates ?? []) {
          const tag = template.tags?.Name;
          if (tag) known.push(tag);
          if (tag === name) id = template.id;
        }
        token = page.nextToken;
      } while (token && !id);
      if (!id)
        throw new GameDayError(
          'NO_TEMPLATE',
          `no experiment template is tagged Name=${name}${known.length ? ` (there are: ${known.sort().join(', ')})` : ' (none is)'}`,
        );
      const { experimentTemplate } = await fis.send(new GetExperimentTemplateCommand({ id }));
      return {
        id,
        ...(experimentTemplate?.description ? { description: experimentTemplate.description } : {}),
        actions: Object.values(experimentTemplate?.actions ?? {}).map((action) => ({
          ...(action.actionId ? { actionId: action.actionId } : {}),
          ...(action.parameters ? { parameters: action.parameters } : {}),
        })),
        stopConditions: (experimentTemplate?.stopConditions ?? []).map(
          (c) => `${c.source ?? '?'}${c.value ? ` ${c.value}` : ''}`,
        ),
      };
    },

    async start(templateId: string, name: string): Promise<string> {
      const { experiment } = await fis.send(
        new StartExperimentCommand({
          experimentTemplateId: templateId,
          clientToken: `gameday-${name}-${Date.now()}`,
          tags: { Name: name, StartedBy: 'gameday' },
        }),
      );
      if (!experiment?.id)
        throw new GameDayError('EXPERIMENT', `StartExperiment on ${templateId} returned no id`);
      return experiment.id;
    },

    /**
     * Polls GetExperiment, recording each state change, until `until(status)` holds or the experiment ended;
     * fails after `timeoutMs`.
     */
    async watch(
      id: string,
      changes: StateChange[],
      until: (status: string) => boolean,
      timeoutMs: number,
    ): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { experiment } = await fis.send(new GetExperimentCommand({ id }));
        const status = experiment?.state?.status ?? 'unknown';
        if (changes.at(-1)?.status !== status)
          changes.push({
            at: new Date().toISOString(),
            status,
            ...(experiment?.state?.reason ? { reason: experiment.state.reason } : {}),
          });
        if (until(status) || ENDED.has(status)) return status;
        if (Date.now() > deadline)
          throw new GameDayError(
            'EXPERIMENT',
            `experiment ${id} still ${status} after ${timeoutMs / 1000} s`,
          );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },

    async stop(id: string): Promise<void> {
      await fis.send(new StopExperimentCommand({ id }));
    },

    isEnded: (status: string) => ENDED.has(status),
    destroy: () => fis.destroy(),
  };
}

export type FisRunner = ReturnType<typeof fisRunner>;
