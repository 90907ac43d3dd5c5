/**
 * X-Ray's sampling decision for a request that arrives without one, as the service makes it: the matching
 * sampling rule (lowest Priority first; the template's AWS::XRay::SamplingRule resources, else X-Ray's
 * default rule of 1 a second plus 5%) takes up to ReservoirSize requests each second, then FixedRate of the
 * rest. Locally this keeps tracing on by default at the cost the deployed sampling rules give, instead of
 * tracing every invocation.
 */

export interface SamplingRule {
  readonly name: string;
  readonly priority: number;
  readonly fixedRate: number;
  readonly reservoirSize: number;
  /** Wildcard (`*`, `?`) on the service name: the function's name for Lambda. */
  readonly serviceName: string;
}

export const DEFAULT_SAMPLING_RULE: SamplingRule = {
  name: 'Default',
  priority: 10_000,
  fixedRate: 0.05,
  reservoirSize: 1,
  serviceName: '*',
};

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export class Sampler {
  private readonly rules: Array<SamplingRule & { readonly matches: RegExp }>;
  private readonly reservoirs = new Map<string, { second: number; used: number }>();

  constructor(
    rules: readonly SamplingRule[],
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.rules = [...rules, DEFAULT_SAMPLING_RULE]
      .sort((a, b) => a.priority - b.priority)
      .map((rule) => ({ ...rule, matches: wildcard(rule.serviceName) }));
  }

  sample(serviceName: string): boolean {
    const rule = this.rules.find((candidate) => candidate.matches.test(serviceName)) ?? DEFAULT_SAMPLING_RULE;
    const second = Math.floor(this.now() / 1000);
    const reservoir = this.reservoirs.get(rule.name);
    if (!reservoir || reservoir.second !== second) this.reservoirs.set(rule.name, { second, used: 0 });
    const current = this.reservoirs.get(rule.name) as { second: number; used: number };
    if (current.used < rule.reservoirSize) {
      current.used += 1;
      return true;
    }
    return this.random() < rule.fixedRate;
  }
}

/** The rules of AWS::XRay::SamplingRule resources' `SamplingRule` properties. */
export function samplingRulesOf(properties: readonly Record<string, unknown>[]): SamplingRule[] {
  return properties.flatMap((props) => {
    const rule = props.SamplingRule as Record<string, unknown> | undefined;
    if (!rule) return [];
    return [
      {
        name: String(rule.RuleName ?? 'rule'),
        priority: Number(rule.Priority ?? 1000),
        fixedRate: Number(rule.FixedRate ?? 0),
        reservoirSize: Number(rule.ReservoirSize ?? 0),
        serviceName: String(rule.ServiceName ?? '*'),
      },
    ];
  });
}
