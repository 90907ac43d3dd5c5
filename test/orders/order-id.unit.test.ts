import { describe, expect, it } from 'vitest';
import { uuidV5 } from '../../functions/kernel/ids.js';
import { orderIdFor } from '../../functions/orders/order-id.js';

describe('orderIdFor', () => {
  it('computes RFC 9562 version-5 UUIDs (the RFC example: DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is stable for the same customer and key, different otherwise', () => {
    const id = orderIdFor('cust-1', 'key-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(orderIdFor('cust-1', 'key-1')).toBe(id);
    expect(orderIdFor('cust-2', 'key-1')).not.toBe(id);
    expect(orderIdFor('cust-1', 'key-2')).not.toBe(id);
  });

  it('does not let a separator inside the values collide', () => {
    expect(orderIdFor('a:b', 'c')).not.toBe(orderIdFor('a', 'b:c'));
  });
});
