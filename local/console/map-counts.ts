/**
 * The service map's live numbers: per node, a function's recent invocations (the Lambda service keeps the
 * last 1,000), a queue's messages, a state machine's executions; per edge, a rule target's deliveries and
 * dead letters since start, and for a mapping or pipe into a function, that function's recent invocations.
 */
import type { LocalCloud } from '../cloud.js';
import type { StepFunctionsService } from '../stepfunctions/index.js';
import type { EventIndex } from './events.js';
import type { ServiceMap } from './service-map.js';

export interface MapCounts {
  readonly nodes: Record<string, number>;
  readonly edges: Record<string, number>;
}

export function mapCounts(
  map: ServiceMap,
  cloud: Pick<LocalCloud, 'lambda' | 'sqs'>,
  index: EventIndex,
  stepFunctions: StepFunctionsService | undefined,
): MapCounts {
  const invocations = new Map<string, number>();
  for (const record of cloud.lambda.invocations())
    invocations.set(record.functionName, (invocations.get(record.functionName) ?? 0) + 1);
  const executions = new Map<string, number>();
  for (const execution of stepFunctions?.listExecutions() ?? [])
    executions.set(execution.stateMachineArn, (executions.get(execution.stateMachineArn) ?? 0) + 1);

  const nodes: Record<string, number> = {};
  const byId = new Map(map.nodes.map((node) => [node.id, node]));
  for (const node of map.nodes) {
    let count: number | undefined;
    if (node.kind === 'function') count = invocations.get(node.name);
    else if (node.kind === 'queue') {
      const queue = cloud.sqs.find(node.name);
      const counts = queue?.counts();
      count = counts ? counts.visible + counts.inFlight + counts.delayed : undefined;
    } else if (node.kind === 'stateMachine') count = executions.get(node.id);
    if (count) nodes[node.id] = count;
  }
  const edges: Record<string, number> = {};
  for (const edge of map.edges) {
    let count: number | undefined;
    if (edge.kind === 'rule') count = index.delivered.get(`${edge.label}|${edge.to}`);
    else if (edge.kind === 'dlq') {
      // The edge runs target → DLQ; what the rule dead-lettered for that target.
      count = index.deadLettered.get(`${edge.label}|${edge.from}`);
    } else if (edge.kind === 'mapping' || edge.kind === 'pipe') {
      const target = byId.get(edge.to);
      count = target?.kind === 'function' ? invocations.get(target.name) : undefined;
    }
    if (count) edges[edge.id] = count;
  }
  return { nodes, edges };
}
