import { describe, expect, it } from 'vitest';
import { youngGenerationMb } from '../../../local/lambda/execution-environment.js';

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
