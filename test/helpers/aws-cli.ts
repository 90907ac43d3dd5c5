/**
 * The real AWS CLI v2 against the local endpoint, as a user drives it: `--endpoint-url`, JSON output, dummy
 * credentials, no pager. Asynchronous on purpose: the local cloud of an e2e test answers from this very
 * process, which a synchronous child would block. A failing command rejects with execFile's error, whose
 * message carries the CLI's stderr (e.g. the AWS error code).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const AWS_CLI = '/usr/bin/aws';

const run = promisify(execFile);

/** The command's standard output, as the CLI printed it. */
export async function awsCliText(
  endpoint: string,
  args: readonly string[],
  region = 'us-east-1',
): Promise<string> {
  const { stdout } = await run(AWS_CLI, ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: region,
      AWS_PAGER: '',
    },
    encoding: 'utf8',
  });
  return stdout;
}

/** The command's JSON output, parsed; `{}` for a command that prints nothing. */
export async function awsCli<T = Record<string, unknown>>(
  endpoint: string,
  args: readonly string[],
  region = 'us-east-1',
): Promise<T> {
  const stdout = await awsCliText(endpoint, args, region);
  return (stdout.trim() ? JSON.parse(stdout) : {}) as T;
}
