import { describe, expect, it } from 'vitest';
import { normalizeText, text } from '../../functions/kernel/domain/text.js';
import * as z from '../../functions/kernel/zod.js';

const issues = (schema: z.ZodMiniType, input: unknown) => {
  const result = schema.safeParse(input);
  expect(result.success, 'the input should have been refused').toBe(false);
  return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('text', () => {
  const name = text(z.string().check(z.minLength(1), z.maxLength(10)));
  const comment = text(z.string().check(z.maxLength(50)), { multiline: true });

  it('normalizes to NFC and trims before checking lengths', () => {
    expect(name.parse('  Ame\u0301lie ')).toBe('Amélie');
    expect(name.parse('Ame\u0301lie')).toHaveLength(6);
    expect(issues(name, '   ')[0]?.path).toBe('');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['BEL', 'a\u0007b'],
    ['ESC (a terminal escape)', 'a\u001b[31mb'],
    ['a line feed in a one-line field', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 CSI', 'a\u009bb'],
  ])('refuses %s', (_what, value) => {
    expect(issues(name, value)).toEqual([
      { path: '', message: expect.stringContaining('must not contain control characters') },
    ]);
  });

  it.each([
    ['a lone high surrogate', 'a\ud83db'],
    ['a lone low surrogate', 'a\ude00b'],
    ['a high surrogate at the end', 'ab\ud83d'],
  ])('refuses %s', (_what, value) => {
    expect(issues(name, value)).toEqual([
      { path: '', message: expect.stringContaining('unpaired surrogate') },
    ]);
  });

  it('accepts paired surrogates (emoji) and non-Latin text', () => {
    expect(name.parse('Zoë 😀')).toBe('Zoë 😀');
    expect(name.parse('東京')).toBe('東京');
  });

  it('keeps line feeds and tabs in a multi-line field, CR LF made LF, other controls refused', () => {
    expect(comment.parse(' Great mug.\r\n\tWould buy again. ')).toBe('Great mug.\n\tWould buy again.');
    expect(issues(comment, 'a\u0000b')[0]?.message).toContain('U+0000');
    expect(issues(comment, 'a\rb\u000bc')[0]?.message).toContain('U+000B');
    expect(normalizeText('a\rb', { multiline: true })).toBe('a\nb');
  });
});
