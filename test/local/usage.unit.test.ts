import { describe, expect, it } from 'vitest';
import { breakdownBetween, UsageMeter, usageBetween } from '../../local/core/usage.js';

describe('UsageMeter', () => {
  it('adds to a meter, and to the named resource’s share of it; ignores what is not a positive number', () => {
    const meter = new UsageMeter();
    meter.add('dynamodb.writeRequestUnits', 2, 'Orders');
    meter.add('dynamodb.writeRequestUnits', 1, 'Shipping');
    meter.add('dynamodb.writeRequestUnits', 3);
    meter.add('dynamodb.writeRequestUnits', Number.NaN, 'Orders');
    meter.add('dynamodb.writeRequestUnits', -1, 'Orders');
    expect(meter.snapshot()['dynamodb.writeRequestUnits']).toBe(6);
    expect(meter.breakdown()).toEqual({ 'dynamodb.writeRequestUnits': { Orders: 2, Shipping: 1 } });
  });

  it('tells what each resource added between two breakdowns, leaving out those that added nothing', () => {
    const meter = new UsageMeter();
    meter.add('dynamodb.writeRequestUnits', 2, 'Orders');
    meter.add('dynamodb.readRequestUnits', 1, 'Orders');
    const before = meter.breakdown();
    const totals = meter.snapshot();
    meter.add('dynamodb.writeRequestUnits', 5, 'Shipping');
    meter.add('dynamodb.writeRequestUnits', 1, 'Orders');
    expect(breakdownBetween(before, meter.breakdown())).toEqual({
      'dynamodb.writeRequestUnits': { Orders: 1, Shipping: 5 },
    });
    expect(usageBetween(totals, meter.snapshot())['dynamodb.writeRequestUnits']).toBe(6);
  });
});
