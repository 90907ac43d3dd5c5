import { describe, expect, it } from 'vitest';
import { remembered } from '../../functions/kernel/remembered.js';

describe('remembered facts', () => {
  it('reads a key once, and again only while nothing was found', async () => {
    const reads: string[] = [];
    const read = async (key: string) => {
      reads.push(key);
      return key === 'o-missing' ? undefined : `customer-of-${key}`;
    };
    const customers = remembered<string, string>();
    expect(await customers.get('o-1', read)).toBe('customer-of-o-1');
    expect(await customers.get('o-1', read)).toBe('customer-of-o-1');
    expect(await customers.get('o-missing', read)).toBeUndefined();
    expect(await customers.get('o-missing', read)).toBeUndefined();
    expect(reads).toEqual(['o-1', 'o-missing', 'o-missing']);
  });

  it('keeps at most its capacity, forgetting the oldest first', async () => {
    const customers = remembered<string, number>(2);
    const value = (n: number) => async () => n;
    await customers.get('a', value(1));
    await customers.get('b', value(2));
    await customers.get('c', value(3)); // a, the oldest, goes
    expect(customers.size).toBe(2);
    expect(await customers.get('b', async () => -1)).toBe(2);
    expect(await customers.get('c', async () => -1)).toBe(3);
    expect(await customers.get('a', async () => -1)).toBe(-1); // forgotten: read again
  });
});
