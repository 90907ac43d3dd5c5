/**
 * CloudFormation's intrinsic functions, evaluated as CloudFormation evaluates them at deploy time. The
 * resolver is pure: what a `Ref` or `Fn::GetAtt` of a resource means, and where an `Fn::ImportValue`
 * comes from, is asked of `ResolverBindings`, so the same code serves unit tests and the running cloud.
 */
import { LocalCloudError } from '../core/errors.js';
import type { CfnTemplate } from './template.js';

/** `Ref: AWS::NoValue` and an `Fn::If` branch that yields it remove the property or list element. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface ResolverBindings {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  /** The value of `Ref` on a resource of this stack. */
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  importValue(exportName: string): unknown;
  /** The value of an `AWS::SSM::Parameter::Value<...>` parameter, by parameter name. */
  ssmParameter?(name: string): string | undefined;
  /** Values given for the template's parameters (as `cdk deploy --parameters` would). */
  readonly parameters?: Readonly<Record<string, string>>;
}

const fail = (message: string): never => {
  throw new LocalCloudError('INTRINSIC_UNRESOLVED', message);
};

export class IntrinsicResolver {
  private readonly conditionCache = new Map<string, boolean>();

  constructor(
    private readonly template: CfnTemplate,
    private readonly bindings: ResolverBindings,
  ) {}

  /** Resolves every intrinsic inside `value`; keys whose value is `AWS::NoValue` are dropped. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of entries) {
      const resolved = this.resolve(inner);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  /** Evaluates a named condition of the template (cached, as CloudFormation evaluates each once). */
  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) return fail(`${this.bindings.stackName}: unknown condition ${name}`);
    const result = this.truth(definition);
    this.conditionCache.set(name, result);
    return result;
  }

  private truth(value: unknown): boolean {
    if (value !== null && typeof value === 'object' && 'Condition' in value) {
      return this.condition(String((value as { Condition: unknown }).Condition));
    }
    const resolved = this.resolve(value);
    if (typeof resolved === 'boolean') return resolved;
    if (resolved === 'true' || resolved === 'false') return resolved === 'true';
    return fail(`${this.bindings.stackName}: a condition must be a boolean, got ${JSON.stringify(resolved)}`);
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [logicalId, ...path] = Array.isArray(arg)
          ? arg.map((part) => this.resolveString(part))
          : String(arg).split('.');
        if (!logicalId || path.length === 0)
          return fail(`Fn::GetAtt needs a resource and an attribute: ${JSON.stringify(arg)}`);
        return this.bindings.getAtt(logicalId, path.join('.'));
      }
      case 'Fn::Join': {
        const [delimiter, list] = this.args(name, arg, 2);
        return this.resolveList(list)
          .map((item) => this.asString(item))
          .join(String(delimiter));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = this.args(name, arg, 2);
        const items = this.resolveList(list);
        const i = Number(this.resolve(index));
        if (!Number.isInteger(i) || i < 0 || i >= items.length)
          return fail(`Fn::Select index ${i} out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(name, arg, 2);
        return this.resolveString(source).split(String(delimiter));
      }
      case 'Fn::ImportValue':
        return this.bindings.importValue(this.resolveString(arg));
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.args(name, arg, 3);
        return this.resolve(this.condition(String(condition)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [left, right] = this.args(name, arg, 2);
        return JSON.stringify(this.resolve(left)) === JSON.stringify(this.resolve(right));
      }
      case 'Fn::And':
        return (arg as unknown[]).every((item) => this.truth(item));
      case 'Fn::Or':
        return (arg as unknown[]).some((item) => this.truth(item));
      case 'Fn::Not':
        return !this.truth((arg as unknown[])[0]);
      case 'Fn::FindInMap': {
        const [map, top, second] = this.args(name, arg, 3).map((part) => this.resolveString(part));
        const found = this.template.Mappings?.[map ?? '']?.[top ?? '']?.[second ?? ''];
        return found === undefined ? fail(`Fn::FindInMap: no ${map}.${top}.${second}`) : found;
      }
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(arg)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.bindings.region}${zone}`);
      case 'Fn::Length':
        return this.resolveList(arg).length;
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(arg));
      default:
        return fail(`${this.bindings.stackName}: intrinsic function ${name} is not supported locally`);
    }
  }

  private ref(name: string): unknown {
    const { bindings } = this;
    switch (name) {
      case 'AWS::AccountId':
        return bindings.accountId;
      case 'AWS::Region':
        return bindings.region;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return bindings.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${bindings.region}:${bindings.accountId}:stack/${bindings.stackName}/local`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return this.parameter(name, parameter.Type, parameter.Default);
    return bindings.ref(name);
  }

  private parameter(name: string, type: string, defaultValue: unknown): unknown {
    const given = this.bindings.parameters?.[name];
    const raw = given ?? defaultValue;
    if (raw === undefined)
      return fail(`${this.bindings.stackName}: parameter ${name} has no value and no default`);
    if (type.startsWith('AWS::SSM::Parameter::Value<')) {
      const value = this.bindings.ssmParameter?.(String(raw));
      if (value === undefined)
        return fail(`${this.bindings.stackName}: SSM parameter ${String(raw)} is unknown locally`);
      return type.includes('List<') ? value.split(',') : value;
    }
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      return Array.isArray(raw) ? raw : String(raw).split(',');
    }
    return typeof raw === 'string' ? raw : String(raw);
  }

  private sub(arg: unknown): string {
    const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
    const vars = (this.resolve(variables ?? {}) ?? {}) as Record<string, unknown>;
    return String(template).replace(/\$\{([^}]*)\}/g, (whole, expression: string) => {
      // `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      const name = expression.trim();
      if (name in vars) return this.asString(vars[name]);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) {
        return this.asString(this.bindings.getAtt(name.slice(0, dot), name.slice(dot + 1)));
      }
      const value = this.ref(name);
      return value === NO_VALUE ? fail(`Fn::Sub: ${whole} is AWS::NoValue`) : this.asString(value);
    });
  }

  private args(name: string, arg: unknown, count: number): unknown[] {
    if (!Array.isArray(arg) || arg.length !== count)
      return fail(`${name} takes ${count} arguments: ${JSON.stringify(arg)}`);
    return arg;
  }

  private resolveList(value: unknown): unknown[] {
    const resolved = this.resolve(value);
    return Array.isArray(resolved) ? resolved : fail(`expected a list, got ${JSON.stringify(resolved)}`);
  }

  private resolveString(value: unknown): string {
    return this.asString(this.resolve(value));
  }

  private asString(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return fail(`expected a string, got ${JSON.stringify(value)}`);
  }
}
