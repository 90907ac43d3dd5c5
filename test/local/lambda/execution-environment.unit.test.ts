import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { youngGenerationMb } from '../../../local/lambda/execution-environment.js';
import { invokeOnce } from '../../helpers/execution-environment.js';

describe('a worker’s young generation', () => {
  it('is a sixty-fourth of the function’s memory, from 4 to 16 MB, unless LOCAL_LAMBDA_YOUNG_GENERATION_MB says', () => {
    const saved = process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB;
    delete process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB;
    try {
      expect([128, 256, 512, 1024, 4096].map(youngGenerationMb)).toEqual([4, 4, 8, 16, 16]);
      process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB = '12';
      expect(youngGenerationMb(256)).toBe(12);
    } finally {
      if (saved === undefined) delete process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB;
      else process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB = saved;
    }
  });
});

describe('an environment’s scheduling priority', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nice-'));
  // The handler answers its own thread's nice value (field 19 of /proc/thread-self/stat).
  writeFileSync(
    path.join(dir, 'index.js'),
    `exports.handler = async () => {
       const stat = require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8');
       return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
     };`,
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const niceOfHandler = (nice: number | undefined) =>
    invokeOnce({ assetDir: dir, env: {}, ...(nice === undefined ? {} : { nice }) });

  // Linux sets a nice value per thread; a process already above 10 could not come back down to it.
  it.runIf(process.platform === 'linux' && getPriority() <= 10)(
    'runs a background function’s thread at the nice value it was given, and others at the cloud’s',
    async () => {
      expect(await niceOfHandler(undefined)).toBe(getPriority());
      expect(await niceOfHandler(10)).toBe(10);
      // The cloud's own thread keeps its priority.
      expect(getPriority()).toBeLessThan(10);
    },
  );
});
