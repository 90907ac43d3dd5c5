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

  it('takes a value learned from an event without reading', async () => {
    const customers = remembered<string, string>();
    customers.set('o-2', 'ann');
    expect(await customers.get('o-2', async () => 'never read')).toBe('ann');
  });

  it('keeps at most its capacity, forgetting the oldest first', async () => {
    const customers = remembered<string, number>(2);
    customers.set('a', 1);
    customers.set('b', 2);
    customers.set('a', 1); // used again: now the newest
    customers.set('c', 3);
    expect(customers.size).toBe(2);
    expect(await customers.get('c', async () => -1)).toBe(3);
    expect(await customers.get('a', async () => -1)).toBe(1);
    expect(await customers.get('b', async () => -1)).toBe(-1); // the oldest, forgotten: read again
  });
});
