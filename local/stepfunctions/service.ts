import { randomUUID } from 'node:crypto';
import { AwsError, type AwsJsonService, type AwsRequestContext } from '../core/aws-service.js';
import {
  asBody,
  type Body,
  checkExecutionArn,
  checkExecutionName,
  checkStateMachineArn,
  describe,
  type ExecutionDescription,
  epochSeconds,
  executionArnFor,
  optionalString,
  page,
  parseInputText,
  requiredString,
  wireDescription,
  wireEvent,
} from './api-shapes.js';
import { applySubstitutions } from './definition.js';
import {
  type EngineOptions,
  type LocalExecution,
  type PreparedStateMachine,
  type StateMachineConfig,
  StepFunctionsEngine,
} from './engine.js';
import { StepFunctionsError } from './errors.js';

/** A state machine of the template: `AWS::StepFunctions::StateMachine` with its definition resolved to a string. */
export interface LocalStateMachine extends StateMachineConfig {
  /** CloudFormation's `DefinitionSubstitutions`: `${Name}` in the definition is replaced by the value. */
  readonly definitionSubstitutions?: Record<string, unknown>;
}

export interface StepFunctionsServiceOptions extends EngineOptions {
  readonly stateMachines: readonly LocalStateMachine[];
  /**
   * Version and alias ARNs (`<state machine ARN>:<version or alias>`) → the state machine's ARN: starting an
   * execution through one runs that state machine (locally every version is the assembly's definition).
   */
  readonly qualifiedArns?: ReadonlyMap<string, string>;
  /** Called once per execution when it ends (any status). */
  readonly onExecutionEnd?: (execution: ExecutionDescription) => void;
}

interface MachineEntry {
  readonly machine: PreparedStateMachine;
  readonly definitionText: string;
  readonly creationDate: Date;
}

interface ExecutionEntry {
  readonly execution: LocalExecution;
  readonly inputText: string;
}

/** Step Functions on the local endpoint (`AWSStepFunctions.*`), executions kept in memory. */
export class StepFunctionsService implements AwsJsonService {
  readonly targetPrefix = 'AWSStepFunctions';
  readonly signingName = 'states';
  private readonly engine: StepFunctionsEngine;
  private readonly machines = new Map<string, MachineEntry>();
  private readonly executions = new Map<string, ExecutionEntry>();
  private readonly listeners = new Set<(execution: ExecutionDescription) => void>();
  private readonly qualifiedArns: ReadonlyMap<string, string>;

  /** Validates every definition (asl-validator, JSONata) and throws one error listing every invalid machine. */
  constructor(options: StepFunctionsServiceOptions) {
    this.engine = new StepFunctionsEngine(options);
    this.qualifiedArns = options.qualifiedArns ?? new Map();
    if (options.onExecutionEnd) this.listeners.add(options.onExecutionEnd);
    const problems: string[] = [];
    const creationDate = new Date();
    for (const config of options.stateMachines) {
      const definitionText =
        typeof config.definition === 'string'
          ? applySubstitutions(config.definition, config.definitionSubstitutions)
          : JSON.stringify(config.definition);
      try {
        const machine = this.engine.prepare({ ...config, definition: definitionText });
        this.machines.set(config.arn, { machine, definitionText, creationDate });
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new StepFunctionsError('InvalidDefinition', problems.join('\n'));
  }

  // ---- in-process API (the local cloud's EventBridge targets, the console, tests) ----

  /** Starts an execution; `input` is any JSON value. Throws `AwsError` as the API would. */
  startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: unknown;
    traceHeader?: string;
  }): {
    executionArn: string;
    startDate: Date;
  } {
    const inputText = JSON.stringify(request.input ?? {});
    const { execution } = this.start(request.stateMachineArn, request.name, inputText, request.traceHeader);
    return { executionArn: execution.request.executionArn, startDate: execution.startDate };
  }

  /** Resolves when the execution has ended (at once if it has). */
  async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    const { execution } = this.execution(executionArn);
    await execution.done;
    return describe(execution);
  }

  describeExecution(executionArn: string): ExecutionDescription {
    return describe(this.execution(executionArn).execution);
  }

  /** The live execution: its AWS-named history is `events`. */
  getExecution(executionArn: string): LocalExecution {
    return this.execution(executionArn).execution;
  }

  listExecutions(stateMachineArn?: string): ExecutionDescription[] {
    return [...this.executions.values()]
      .filter(({ execution }) => !stateMachineArn || execution.machine.arn === stateMachineArn)
      .map(({ execution }) => describe(execution))
      .reverse();
  }

  get stateMachines(): readonly PreparedStateMachine[] {
    return [...this.machines.values()].map((entry) => entry.machine);
  }

  /** An execution's history events (AWS's names), oldest first. */
  history(executionArn: string): ReadonlyArray<{ readonly type: string }> {
    return this.executions.get(executionArn)?.execution.events ?? [];
  }

  /** Subscribes to the end of every execution; returns the unsubscribe function. */
  onExecutionEnd(listener: (execution: ExecutionDescription) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- the JSON API ----

  async handle(operation: string, rawBody: unknown, request: AwsRequestContext): Promise<unknown> {
    const body = asBody(rawBody);
    switch (operation) {
      case 'StartExecution':
        return this.apiStartExecution(body, request);
      case 'StartSyncExecution':
        return this.apiStartSyncExecution(body, request);
      case 'DescribeExecution':
        return this.apiDescribeExecution(body);
      case 'GetExecutionHistory':
        return this.apiGetExecutionHistory(body);
      case 'ListExecutions':
        return this.apiListExecutions(body);
      case 'StopExecution':
        return this.apiStopExecution(body);
      case 'ListStateMachines':
        return this.apiListStateMachines(body);
      case 'DescribeStateMachine':
        return this.describeMachine(this.machine(requiredString(body, 'stateMachineArn')));
      case 'DescribeStateMachineForExecution':
        return this.describeMachine(
          this.machine(this.execution(requiredString(body, 'executionArn')).execution.machine.arn),
        );
      default:
        throw new AwsError(
          'UnknownOperationException',
          `Operation ${operation} is not supported by the local cloud`,
        );
    }
  }

  private apiStartExecution(body: Body, request: AwsRequestContext) {
    const { execution } = this.start(
      requiredString(body, 'stateMachineArn'),
      optionalString(body, 'name'),
      optionalString(body, 'input') ?? '{}',
      optionalString(body, 'traceHeader') ?? request.traceHeader,
    );
    return { executionArn: execution.request.executionArn, startDate: epochSeconds(execution.startDate) };
  }

  private async apiStartSyncExecution(body: Body, request: AwsRequestContext) {
    const arn = requiredString(body, 'stateMachineArn');
    if (this.machine(arn).machine.type !== 'EXPRESS') {
      throw new AwsError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine',
      );
    }
    const entry = this.start(
      arn,
      optionalString(body, 'name'),
      optionalString(body, 'input') ?? '{}',
      optionalString(body, 'traceHeader') ?? request.traceHeader,
    );
    await entry.execution.done;
    const { redriveCount, redriveStatus, ...description } = wireDescription(entry.execution, entry.inputText);
    void [redriveCount, redriveStatus];
    return {
      ...description,
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 },
    };
  }

  private apiDescribeExecution(body: Body) {
    const entry = this.execution(requiredString(body, 'executionArn'));
    return wireDescription(entry.execution, entry.inputText);
  }

  private apiGetExecutionHistory(body: Body) {
    const arn = requiredString(body, 'executionArn');
    const events = [...this.execution(arn).execution.events];
    if (body.reverseOrder === true) events.reverse();
    const { items, nextToken } = page(events, body, `history:${arn}:${body.reverseOrder === true}`);
    const includeData = body.includeExecutionData !== false;
    return { events: items.map((event) => wireEvent(event, includeData)), ...(nextToken && { nextToken }) };
  }

  private apiListExecutions(body: Body) {
    const arn = requiredString(body, 'stateMachineArn');
    this.machine(arn);
    const status = optionalString(body, 'statusFilter');
    const all = this.listExecutions(arn).filter((e) => !status || e.status === status);
    const { items, nextToken } = page(all, body, `executions:${arn}:${status ?? ''}`);
    return {
      executions: items.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: epochSeconds(e.startDate),
        ...(e.stopDate && { stopDate: epochSeconds(e.stopDate) }),
      })),
      ...(nextToken && { nextToken }),
    };
  }

  private async apiStopExecution(body: Body) {
    const { execution } = this.execution(requiredString(body, 'executionArn'));
    execution.stop(optionalString(body, 'error'), optionalString(body, 'cause'));
    const outcome = await execution.done;
    return { stopDate: epochSeconds(outcome.stopDate) };
  }

  private apiListStateMachines(body: Body) {
    const all = [...this.machines.values()];
    const { items, nextToken } = page(all, body, 'stateMachines');
    return {
      stateMachines: items.map(({ machine, creationDate }) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: machine.type,
        creationDate: epochSeconds(creationDate),
      })),
      ...(nextToken && { nextToken }),
    };
  }

  private describeMachine({ machine, definitionText, creationDate }: MachineEntry) {
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: definitionText,
      ...(machine.roleArn && { roleArn: machine.roleArn }),
      type: machine.type,
      creationDate: epochSeconds(creationDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  // ---- shared ----

  private start(
    stateMachineArn: string,
    name: string | undefined,
    inputText: string,
    traceHeader?: string,
  ): ExecutionEntry {
    const { machine } = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    checkExecutionName(executionName);
    const input = parseInputText(inputText);
    const executionArn = executionArnFor(machine.arn, executionName, machine.type, randomUUID());
    const existing = machine.type === 'STANDARD' ? this.executions.get(executionArn) : undefined;
    if (existing) {
      // AWS: the same name and input as a *running* execution returns it; anything else is a clash.
      const sameInput = JSON.stringify(existing.execution.request.input) === JSON.stringify(input);
      if (sameInput && existing.execution.status === 'RUNNING') return existing;
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = this.engine.start(machine, {
      executionArn,
      name: executionName,
      input,
      ...(traceHeader !== undefined && { traceHeader }),
    });
    const entry = { execution, inputText };
    this.executions.set(executionArn, entry);
    void execution.done.then(() => {
      const description = describe(execution);
      for (const listener of this.listeners) {
        // A failing listener must not take the endpoint down (it would be an unhandled rejection).
        try {
          listener(description);
        } catch (error) {
          console.error(`stepfunctions: an onExecutionEnd listener failed: ${(error as Error).message}`);
        }
      }
      // Closed histories are kept for every execution of the run (GetExecutionHistory, the console, the
      // bench), deflated.
      execution.history.pack();
    });
    return entry;
  }

  private machine(arn: string): MachineEntry {
    checkStateMachineArn(arn);
    const entry = this.machines.get(this.qualifiedArns.get(arn) ?? arn);
    if (!entry) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return entry;
  }

  private execution(arn: string): ExecutionEntry {
    checkExecutionArn(arn);
    const entry = this.executions.get(arn);
    if (!entry) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return entry;
  }
}
