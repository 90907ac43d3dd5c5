/**
 * `npm run gameday -- <experiment> [--orders N] [--concurrency C] [--endpoint URL] [--report DIR] …`
 * (`--help` for all): a chaos game day against the local cloud (started here when none answers) or, with
 * `--aws`, a deployed stage. The work is in scripts/gameday/; this file is the command line around it.
 */
import { parseGameDayArgs, USAGE } from './gameday/args.js';
import { type CloudHandle, ensureLocalCloud } from './gameday/cloud.js';
import { GameDayError, GameDayUsageError } from './gameday/errors.js';
import { writeReport } from './gameday/report.js';
import { runGameDay } from './gameday/run.js';
import { discovery } from './gameday/target.js';

const log = (line: string) => console.error(line);

async function main(): Promise<number> {
  const args = parseGameDayArgs(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  let cloud: CloudHandle | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping`);
    setTimeout(() => process.exit(2), 5_000).unref();
    await cloud?.stop();
    process.exit(2);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    if (args.endpoint)
      cloud = await ensureLocalCloud(args.endpoint, {
        verbose: args.verbose,
        log,
        ...(args.app ? { app: args.app } : {}),
      });
    const target = {
      ...(args.endpoint ? { endpoint: args.endpoint } : {}),
      region: args.region,
      stage: args.stage,
    };
    let graphqlUrl = args.graphqlUrl ?? (args.endpoint ? `${args.endpoint}/graphql` : undefined);
    if (!graphqlUrl) {
      const names = discovery(target);
      graphqlUrl = await names.get('api', 'graphql-url').finally(() => names.destroy());
    }
    const result = await runGameDay({ ...args, target, graphqlUrl, log });
    const written = writeReport(result, args.reportDir);
    for (const c of result.checks.filter((check) => !check.holds))
      log(`FAIL hypothesis ${c.phase}: ${c.name} ${c.measured} (bound ${c.bound})`);
    for (const i of result.invariants.filter((invariant) => !invariant.holds))
      log(`FAIL invariant ${i.title}: ${i.violations.join('; ')}`);
    console.log(`${result.verdict}: game day ${result.experiment} (${result.experimentStatus})`);
    console.log(`report: ${written.markdown}`);
    console.log(`        ${written.json}`);
    return result.verdict === 'PASS' ? 0 : 1;
  } finally {
    await cloud?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof GameDayUsageError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof GameDayError) console.error(`gameday: ${error.code}: ${error.message}`);
    else console.error(error);
    process.exit(2);
  },
);
