/**
 * The service map, read from the templates only (the console knows AWS, not the app): functions, tables,
 * queues, buses and state machines as nodes grouped by stack; as edges, what makes data move between them —
 * rule targets and their dead-letter queues, event source mappings, pipes, queue redrive policies, state
 * machine tasks, and a function's environment naming a table or queue (the usual way a function finds what it
 * writes). Live counts are kept apart (`ConsoleCounters`) and joined by edge id.
 */
import type { CloudModel, LocalResource } from '../assembly/model.js';

export type MapNodeKind = 'function' | 'table' | 'queue' | 'bus' | 'stateMachine';
export type MapEdgeKind = 'rule' | 'dlq' | 'mapping' | 'pipe' | 'redrive' | 'task' | 'uses';

export interface MapNode {
  readonly id: string;
  readonly kind: MapNodeKind;
  readonly name: string;
  readonly stack: string;
  /** The construct path below the stack (CDK metadata), else the logical id: what a person recognizes. */
  readonly label: string;
}

export interface MapEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly kind: MapEdgeKind;
  readonly label?: string;
}

export interface ServiceMap {
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
}

const NODE_TYPES: Record<string, MapNodeKind> = {
  'AWS::Lambda::Function': 'function',
  'AWS::DynamoDB::Table': 'table',
  'AWS::SQS::Queue': 'queue',
  'AWS::Events::EventBus': 'bus',
  'AWS::StepFunctions::StateMachine': 'stateMachine',
};

/** `arn:aws:lambda:r:a:function:name:live` → the function's ARN; a table's stream ARN → the table's. */
export function baseArn(arn: string): string {
  if (arn.includes(':lambda:') && arn.includes(':function:')) return arn.split(':').slice(0, 7).join(':');
  if (arn.includes(':dynamodb:') && arn.includes('/stream/')) return arn.slice(0, arn.indexOf('/stream/'));
  if (arn.includes(':states:') && arn.includes(':stateMachine:')) return arn.split(':').slice(0, 7).join(':');
  return arn;
}

export function buildServiceMap(model: CloudModel): ServiceMap {
  const nodes = new Map<string, MapNode>();
  const byName = new Map<string, string>();
  for (const [type, kind] of Object.entries(NODE_TYPES)) {
    for (const resource of model.resources(type)) {
      const identity = safe(() => model.identity(resource));
      if (!identity) continue;
      nodes.set(identity.arn, {
        id: identity.arn,
        kind,
        name: identity.name,
        stack: resource.stackName,
        label: labelOf(resource),
      });
      byName.set(identity.name, identity.arn);
      // A queue's URL, a table's name: what environment variables and properties say instead of an ARN.
      byName.set(identity.ref, identity.arn);
    }
  }
  const edges = new Map<string, MapEdge>();
  const nodeOf = (reference: unknown): string | undefined => {
    if (typeof reference !== 'string') return undefined;
    const arn = baseArn(reference);
    if (nodes.has(arn)) return arn;
    // `name:live`: an event source mapping names an alias by its function's name and the alias (CDK's
    // `alias.functionName`), which is the function's box on the map.
    const parts = reference.split(':');
    return byName.get(reference) ?? byName.get(parts[0] ?? '') ?? byName.get(parts.at(-1) ?? '');
  };
  const add = (from: string | undefined, to: string | undefined, kind: MapEdgeKind, label?: string) => {
    if (!from || !to || from === to) return;
    const id = `${kind}|${from}|${to}|${label ?? ''}`;
    edges.set(id, { id, from, to, kind, ...(label ? { label } : {}) });
  };

  for (const rule of model.resources('AWS::Events::Rule')) {
    const props = safe(() => model.properties(rule));
    if (!props) continue;
    const bus = nodeOf(busArnOf(model, props.EventBusName)) ?? defaultBus(nodes);
    const name = String(props.Name ?? safe(() => model.identity(rule).name) ?? rule.logicalId);
    for (const target of (props.Targets as TargetProps[] | undefined) ?? []) {
      const to = nodeOf(target.Arn);
      add(bus, to, 'rule', name);
      add(to, nodeOf(target.DeadLetterConfig?.Arn), 'dlq', name);
    }
  }
  for (const mapping of model.resources('AWS::Lambda::EventSourceMapping')) {
    const props = safe(() => model.properties(mapping));
    if (props) add(nodeOf(props.EventSourceArn), nodeOf(props.FunctionName), 'mapping');
  }
  for (const pipe of model.resources('AWS::Pipes::Pipe')) {
    const props = safe(() => model.properties(pipe));
    if (!props) continue;
    const label = typeof props.Name === 'string' ? props.Name : pipe.logicalId;
    const enrichment = nodeOf(props.Enrichment);
    if (enrichment) {
      add(nodeOf(props.Source), enrichment, 'pipe', label);
      add(enrichment, nodeOf(props.Target), 'pipe', label);
    } else add(nodeOf(props.Source), nodeOf(props.Target), 'pipe', label);
  }
  for (const queue of model.resources('AWS::SQS::Queue')) {
    const props = safe(() => model.properties(queue));
    const redrive = props?.RedrivePolicy as { deadLetterTargetArn?: string } | undefined;
    const identity = safe(() => model.identity(queue));
    if (identity) add(identity.arn, nodeOf(redrive?.deadLetterTargetArn), 'redrive');
  }
  for (const machine of model.resources('AWS::StepFunctions::StateMachine')) {
    const identity = safe(() => model.identity(machine));
    const props = safe(() => model.properties(machine));
    const definition = props?.DefinitionString ?? props?.Definition;
    if (!identity || definition === undefined) continue;
    for (const reference of taskReferences(definition)) add(identity.arn, nodeOf(reference), 'task');
  }
  for (const fn of model.resources('AWS::Lambda::Function')) {
    const identity = safe(() => model.identity(fn));
    const props = safe(() => model.properties(fn));
    const variables = (props?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (!identity || !variables) continue;
    for (const value of Object.values(variables)) {
      const to = nodeOf(value);
      const kind = to ? nodes.get(to)?.kind : undefined;
      if (kind === 'table' || kind === 'queue' || kind === 'bus' || kind === 'stateMachine')
        add(identity.arn, to, 'uses');
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

interface TargetProps {
  readonly Arn?: string;
  readonly DeadLetterConfig?: { readonly Arn?: string };
}

/** Every string in a state machine's definition that may name a resource: Task `Resource`s and parameters. */
export function taskReferences(definition: unknown): string[] {
  let parsed: unknown = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch {
      return [];
    }
  }
  const found: string[] = [];
  const walk = (value: unknown, key?: string) => {
    if (typeof value === 'string') {
      if (
        key === 'Resource' ||
        /(FunctionName|EventBusName|QueueUrl|TableName|StateMachineArn)$/.test(key ?? '')
      )
        found.push(value);
      return;
    }
    if (Array.isArray(value)) for (const item of value) walk(item, key);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, k.replace(/\.\$$/, ''));
  };
  walk(parsed);
  return found;
}

function busArnOf(model: CloudModel, name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (name.startsWith('arn:')) return name;
  for (const bus of model.resources('AWS::Events::EventBus')) {
    const identity = safe(() => model.identity(bus));
    if (identity?.name === name) return identity.arn;
  }
  return undefined;
}

function defaultBus(nodes: Map<string, MapNode>): string | undefined {
  return [...nodes.values()].find((node) => node.kind === 'bus')?.id;
}

function labelOf(resource: LocalResource): string {
  const path = resource.definition.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') return resource.logicalId;
  const parts = path.split('/').slice(1);
  while (parts.length > 1 && /^(Resource|Default|Function|Table|Queue)$/.test(parts.at(-1) ?? ''))
    parts.pop();
  return parts.join('/') || resource.logicalId;
}

/** Some properties only resolve once something runs (a stream ARN): such a resource is left off the map. */
function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
