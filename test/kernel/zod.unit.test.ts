import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandMetadata } from '../../functions/kernel/domain/commands.js';
import { UserCreatedV1 } from '../../functions/kernel/events/catalogue/users.js';
import { actorSchema } from '../../functions/kernel/events/envelope.js';
import { id, isoDateTime, quantity, sku } from '../../functions/kernel/events/primitives.js';
import type * as z from '../../functions/kernel/zod.js';

/**
 * Lambda code takes zod from functions/kernel/zod.ts: zod/mini, which loads no locale, with classic zod's
 * English messages installed there. Nothing this file imports loads classic zod (which would install English
 * itself on its first schema), so the words below are the kernel's doing: without it every one reads
 * "Invalid input".
 */
const messages = (schema: z.ZodMiniType, input: unknown) => {
  const result = schema.safeParse(input);
  expect(result.success, 'the input should have been refused').toBe(false);
  return result.error!.issues.map((i) => i.message);
};

describe("the kernel's zod", () => {
  it('answers a failed parse in the words classic zod used', () => {
    expect(messages(id, '')).toEqual(['Too small: expected string to have >=1 characters']);
    expect(messages(id, 'x'.repeat(129))).toEqual(['Too big: expected string to have <=128 characters']);
    expect(messages(id, 7)).toEqual(['Invalid input: expected string, received number']);
    expect(messages(quantity, 0)).toEqual(['Too small: expected number to be >=1']);
    expect(messages(quantity, 1.5)).toEqual(['Invalid input: expected int, received number']);
    expect(messages(sku, 'mug')).toEqual(['Invalid string: must match pattern /^[A-Z0-9][A-Z0-9-]{0,63}$/']);
    expect(messages(isoDateTime, 'yesterday')).toEqual(['Invalid ISO datetime']);
    expect(messages(UserCreatedV1.shape.email, 'ada')).toEqual(['Invalid email address']);
    expect(messages(actorSchema, { type: 'robot', id: 'r1' })).toEqual([
      'Invalid option: expected one of "user"|"service"|"system"',
    ]);
    expect(
      messages(commandMetadata, {
        commandId: 'c1',
        issuedAt: '2024-01-01T00:00:00Z',
        actor: { type: 'user', id: 'u1' },
        extra: 1,
      }),
    ).toEqual(['Unrecognized key: "extra"']);
  });
});

/** Everything that can end up in a Lambda bundle: the functions and the Saga construct's runtime. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const lambdaFolders = ['functions', 'lib/constructs/saga/runtime'];
const sources = lambdaFolders.flatMap((folder) =>
  (readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, folder, f)),
);

describe('Lambda code and zod', () => {
  it('finds the Lambda sources', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it("imports zod only through the kernel's zod (zod/mini with English), never classic zod", () => {
    const direct = sources
      .map((file) => relative(root, file))
      .filter((file) => file !== join('functions', 'kernel', 'zod.ts'))
      .filter((file) => /from 'zod(\/[^']*)?'/.test(readFileSync(join(root, file), 'utf8')));
    expect(direct).toEqual([]);
  });
});
