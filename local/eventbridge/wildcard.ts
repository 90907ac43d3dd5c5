/**
 * Wildcard filters: `*` matches any run of characters (none included); `\*` and `\\` are the literal characters;
 * any other escape, and two `*` in a row, are refused — with event-ruler's messages and UTF-8 byte positions,
 * which is what AWS returns as the reason of an InvalidEventPatternException.
 */
export function compileWildcard(pattern: string): RegExp {
  let source = '';
  let bytePos = 0;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (ch === '*') {
      if (chars[i + 1] === '*') throw new Error(`Consecutive wildcard characters at pos ${bytePos}`);
      source += '.*';
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') throw new Error(`Invalid escape character at pos ${bytePos}`);
      source += escapeRegExp(next);
      bytePos += 1;
      i++;
    } else {
      source += escapeRegExp(ch);
    }
    bytePos += Buffer.byteLength(ch, 'utf8');
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
