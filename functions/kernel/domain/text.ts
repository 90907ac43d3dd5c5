import * as z from '../zod.js';

/**
 * Free text at a boundary (names, emails, comments, address lines): normalized to NFC and trimmed, then
 * refused if it still holds a control character (Unicode Cc: C0 U+0000–U+001F, DEL, C1 U+0080–U+009F) or an
 * unpaired surrogate (not Unicode: a UTF-8 encoder replaces it, a JSON parser elsewhere may choke). A
 * multi-line field (a review comment) keeps line feeds and tabs; CR LF and CR become LF first.
 *
 * `text(target)` checks the cleaned string with `target` (lengths, formats), so lengths count what is stored:
 * `text(z.string().min(1).max(200))` refuses "   ". Pure: the domains use it in their command schemas.
 */
export interface TextOptions {
  /** Line feeds and tabs allowed (other control characters still refused). @default false */
  readonly multiline?: boolean;
}

const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LF_TAB = /[^\P{Cc}\n\t]/u;
/** In `u` mode a surrogate pair is one code point: only an unpaired surrogate matches. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first problem of an already normalized string, or undefined. */
export function textProblem(value: string, options: TextOptions = {}): string | undefined {
  const control = value.match(options.multiline ? CONTROL_BUT_LF_TAB : CONTROL);
  if (control) return `must not contain control characters (${codePoint(control[0])} at ${control.index})`;
  const surrogate = value.match(UNPAIRED_SURROGATE);
  if (surrogate)
    return `must be well-formed Unicode (unpaired surrogate ${codePoint(surrogate[0])} at ${surrogate.index})`;
  return undefined;
}

/** NFC, line endings (multi-line only), trim: what is checked and stored. */
export function normalizeText(value: string, options: TextOptions = {}): string {
  const nfc = value.normalize('NFC');
  return (options.multiline ? nfc.replace(/\r\n?/g, '\n') : nfc).trim();
}

export function text<T extends z.ZodMiniType<unknown, string>>(target: T, options: TextOptions = {}) {
  return z.pipe(
    z
      .pipe(
        z.string(),
        z.transform((value) => normalizeText(value, options)),
      )
      .check(
        z.superRefine((value, ctx) => {
          const problem = textProblem(value, options);
          if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
        }),
      ),
    target,
  );
}
