import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withObservability } from '../../functions/kernel/observability.js';
import { REDACTED, redactLogValue } from '../../functions/kernel/redact.js';
import { fakeLambdaContext } from '../helpers/events.js';

const order = {
  orderId: 'order-1',
  paymentToken: 'tok_visa',
  shippingAddress: {
    line1: '742 Evergreen Terrace',
    city: 'Springfield',
    postalCode: '49007',
    country: 'US',
  },
};

describe('redactLogValue', () => {
  it('masks a payment token and all of an address but its country, however deep', () => {
    const text = JSON.stringify({ command: { data: order }, list: [order] }, redactLogValue);
    expect(text).not.toContain('tok_visa');
    expect(text).not.toContain('Evergreen');
    expect(text).not.toContain('Springfield');
    expect(JSON.parse(text).command.data).toEqual({
      orderId: 'order-1',
      paymentToken: REDACTED,
      shippingAddress: { country: 'US', rest: REDACTED },
    });
  });

  it('leaves everything else, and absent values, as they are', () => {
    expect(JSON.parse(JSON.stringify({ orderId: 'o', paymentToken: undefined }, redactLogValue))).toEqual({
      orderId: 'o',
    });
    expect(redactLogValue('shippingAddress', 'somewhere')).toBe(REDACTED);
  });
});

describe("every handler's logger", () => {
  let printed: string[];
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    printed = [];
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('masks them in what a handler logs and in a failure it reports', async () => {
    const handler = withObservability({ service: 'orders' }, async (_event, _context, tools) => {
      tools.logger.info('placing', { data: order });
      throw Object.assign(new Error('refused'), { details: order });
    });
    await expect(
      handler({ command: { type: 'PlaceOrder', data: order } }, fakeLambdaContext()),
    ).rejects.toThrow('refused');
    const lines = printed.join('\n');
    expect(lines).toContain('placing');
    expect(lines).toContain('order-1');
    expect(lines).not.toContain('tok_visa');
    expect(lines).not.toContain('Evergreen');
  });
});
