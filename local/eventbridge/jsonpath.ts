import { AwsError } from '../core/aws-service.js';

/**
 * The JSONPath subset EventBridge takes in `InputPath` and `InputPathsMap`: `$`, dotted names (`$.detail.state`,
 * names may hold `-`), bracketed names (`$['detail-type']`) and array indexes (`$.resources[0]`).
 */
export type PathStep = string | number;

const STEP = /^(?:\.([^.[\]]+)|\[(\d+)\]|\[(['"])(.*?)\3\])/;

export function parseJsonPath(path: string): PathStep[] {
  if (!path.startsWith('$')) throw invalidPath(path);
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) throw invalidPath(path);
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[4] ?? '');
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at the path, or `undefined` when the event has nothing there. */
export function selectPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

function invalidPath(path: string): AwsError {
  return new AwsError('ValidationException', `Invalid JSON path: ${path}`);
}
