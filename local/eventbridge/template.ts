/**
 * The placeholder scan EventBridge's input transformer (transform.ts) and Pipes' input template
 * (pipes/input-template.ts) share; they differ in their placeholders and in how a value is written, which they
 * pass in. A template starting with `{`, `[` or `"` is JSON: a placeholder outside a JSON string stands as a
 * whole value, one inside a string as text, and the result is minified as AWS passes it. In any other template
 * every value is text. A placeholder `resolve` does not know is left as written.
 */
export interface TemplateFill<R> {
  /** A sticky (`y`) expression whose first group is the placeholder's name. */
  readonly placeholder: RegExp;
  /** What a placeholder stands for, or undefined to leave it as written. */
  readonly resolve: (name: string) => R | undefined;
  /** A placeholder standing as a whole JSON value. */
  readonly asJsonValue: (resolved: R) => string;
  /** A placeholder inside a JSON string (`insideJsonString`) or in a text template. */
  readonly asText: (resolved: R, insideJsonString: boolean) => string;
}

export function fillTemplate<R>(template: string, fill: TemplateFill<R>): string {
  const first = template.trimStart()[0];
  const jsonMode = first === '{' || first === '[' || first === '"';
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] ?? '';
    if (ch === '<') {
      fill.placeholder.lastIndex = i;
      const m = fill.placeholder.exec(template);
      const resolved = m ? fill.resolve(m[1] ?? '') : undefined;
      if (m && resolved !== undefined) {
        out += jsonMode && !inString ? fill.asJsonValue(resolved) : fill.asText(resolved, jsonMode);
        i += m[0].length - 1;
        continue;
      }
    }
    if (jsonMode) {
      if (ch === '\\' && inString) {
        out += ch + (template[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') inString = !inString;
    }
    out += ch;
  }
  return jsonMode ? minifyJson(out) : out;
}

function minifyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
