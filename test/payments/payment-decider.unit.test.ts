import { assert, describe, expect, it } from 'vitest';
import { BusinessRuleError, DomainError, ValidationError } from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type ChargePayment,
  createPaymentDecider,
  type PaymentCommand,
  type PaymentFact,
  ProviderUnavailableError,
  parseCommand,
  paymentDecider,
  paymentStreamId,
  simulateProvider,
  TOKEN_UNAVAILABLE,
} from '../../functions/payments/domain/index.js';
import { spec } from '../helpers/decider.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'service', id: 'order-fulfillment-saga' },
} as const;

const charge = (paymentToken: string, amount = 3399): PaymentCommand => ({
  type: 'ChargePayment',
  data: {
    paymentId: 'pay-1',
    orderId: 'order-1',
    customerId: 'user-1',
    amount,
    currency: 'EUR',
    paymentToken,
  },
  metadata,
});
const refund = (refundId: string, amount?: number): PaymentCommand => ({
  type: 'RefundPayment',
  data:
    amount === undefined
      ? { orderId: 'order-1', refundId, reason: 'shipment failed' }
      : { orderId: 'order-1', refundId, amount, reason: 'shipment failed' },
  metadata,
});

const charged: PaymentFact = {
  type: 'PaymentCharged',
  data: {
    paymentId: 'pay-1',
    orderId: 'order-1',
    customerId: 'user-1',
    amount: 3399,
    currency: 'EUR',
    providerReference: 'sim_ch_order-1',
  },
};
const declined = (declineCode: string, reason: string): PaymentFact => ({
  type: 'PaymentDeclined',
  data: { paymentId: 'pay-1', orderId: 'order-1', amount: 3399, currency: 'EUR', reason, declineCode },
});
const cardDeclined = declined('card_declined', 'The card was declined');
const refunded = (refundId: string, amount: number): PaymentFact => ({
  type: 'PaymentRefunded',
  data: {
    paymentId: 'pay-1',
    orderId: 'order-1',
    amount,
    currency: 'EUR',
    refundId,
    reason: 'shipment failed',
  },
});

const given = (facts: PaymentFact[]) => spec(paymentDecider).given(facts);

describe('payments decider', () => {
  describe('ChargePayment', () => {
    it('charges with tok_visa', () => {
      given([]).when(charge('tok_visa')).thenEmits([charged]);
    });

    it('records a decline with tok_decline', () => {
      given([]).when(charge('tok_decline')).thenEmits([cardDeclined]);
    });

    it('declines any other token as invalid', () => {
      given([])
        .when(charge('tok_mastercard'))
        .thenEmits([declined('invalid_token', 'The payment token is not valid')]);
    });

    it('declines without asking the provider when no token came from the vault (expired or never given)', () => {
      const decider = createPaymentDecider({ charge: () => assert.fail('the provider was asked') });
      const { paymentToken: _none, ...withoutToken } = (charge('tok_visa') as ChargePayment).data;
      spec(decider)
        .given([])
        .when({ ...charge('tok_visa'), data: withoutToken } as PaymentCommand)
        .thenEmits([declined(TOKEN_UNAVAILABLE, 'The payment token expired or was never given')]);
    });

    it('answers a charge already made without a token (the vault deleted it after the charge)', () => {
      const { paymentToken: _none, ...withoutToken } = (charge('tok_visa') as ChargePayment).data;
      given([charged])
        .when({ ...charge('tok_visa'), data: withoutToken } as PaymentCommand)
        .thenEmits([]);
    });

    it('throws the retryable ProviderUnavailableError with tok_error, recording nothing', () => {
      given([]).when(charge('tok_error')).thenThrows(ProviderUnavailableError, 'PROVIDER_UNAVAILABLE');
    });

    it('charges once an outage is over: the outage left nothing, so the retry asks the provider again', () => {
      const outcomes = [
        { status: 'unavailable', reason: 'timeout' } as const,
        { status: 'approved', providerReference: 'sim_ch_order-1' } as const,
      ];
      const decider = createPaymentDecider({
        charge: () => outcomes.shift() ?? assert.fail('asked too often'),
      });
      spec(decider).given([]).when(charge('tok_visa')).thenThrows(ProviderUnavailableError);
      spec(decider).given([]).when(charge('tok_visa')).thenEmits([charged]);
    });

    it('emits nothing when the order is charged again (idempotent)', () => {
      given([charged]).when(charge('tok_visa')).thenEmits([]);
    });

    it('does not ask the provider again once charged', () => {
      const asked: string[] = [];
      const decider = createPaymentDecider({
        charge: (request) => {
          asked.push(request.orderId);
          return { status: 'approved', providerReference: 'ref' };
        },
      });
      spec(decider).given([charged]).when(charge('tok_visa')).thenEmits([]);
      spec(decider).given([cardDeclined]).when(charge('tok_visa')).thenEmits([]);
      expect(asked).toEqual([]);
    });

    it('treats a decline as final: charging again emits nothing, even with a good token', () => {
      given([cardDeclined]).when(charge('tok_visa')).thenEmits([]);
    });

    it('refuses to charge an order again with another amount', () => {
      given([charged]).when(charge('tok_visa', 100)).thenThrows(BusinessRuleError, 'order-charged-once');
    });

    it('refuses a declined order again with another amount', () => {
      given([cardDeclined]).when(charge('tok_visa', 100)).thenThrows(BusinessRuleError, 'order-charged-once');
    });

    it('passes what it charges to the provider', () => {
      const requests: unknown[] = [];
      const decider = createPaymentDecider({
        charge: (request) => {
          requests.push(request);
          return { status: 'approved', providerReference: 'ch_123' };
        },
      });
      spec(decider)
        .given([])
        .when(charge('tok_real'))
        .thenEmits([{ type: 'PaymentCharged', data: { ...charged.data, providerReference: 'ch_123' } }]);
      expect(requests).toEqual([
        { orderId: 'order-1', amount: 3399, currency: 'EUR', paymentToken: 'tok_real' },
      ]);
    });
  });

  describe('RefundPayment', () => {
    it('refunds what is left when no amount is given', () => {
      given([charged])
        .when(refund('ref-1'))
        .thenEmits([refunded('ref-1', 3399)]);
    });

    it('refunds part of the charge', () => {
      given([charged])
        .when(refund('ref-1', 1000))
        .thenEmits([refunded('ref-1', 1000)]);
    });

    it('adds partial refunds up: the rest after earlier refunds', () => {
      given([charged, refunded('ref-1', 1000), refunded('ref-2', 399)])
        .when(refund('ref-3'))
        .thenEmits([refunded('ref-3', 2000)]);
    });

    it('allows refunding exactly what is left', () => {
      given([charged, refunded('ref-1', 1000)])
        .when(refund('ref-2', 2399))
        .thenEmits([refunded('ref-2', 2399)]);
    });

    it('refuses refunding more than was charged', () => {
      given([charged]).when(refund('ref-1', 3400)).thenThrows(BusinessRuleError, 'refund-at-most-charged');
    });

    it('refuses partial refunds that add up to more than the charge', () => {
      given([charged, refunded('ref-1', 3000)])
        .when(refund('ref-2', 400))
        .thenThrows(BusinessRuleError, 'refund-at-most-charged');
    });

    it('refuses an amount once everything is refunded', () => {
      given([charged, refunded('ref-1', 3399)])
        .when(refund('ref-2', 1))
        .thenThrows(BusinessRuleError, 'refund-at-most-charged');
    });

    it('emits nothing for a refund id seen before (retry)', () => {
      given([charged, refunded('ref-1', 1000)])
        .when(refund('ref-1', 1000))
        .thenEmits([]);
    });

    it('emits nothing for a full refund when nothing is left (compensation retried with a new id)', () => {
      given([charged, refunded('ref-1', 3399)])
        .when(refund('ref-2'))
        .thenEmits([]);
    });

    it('emits nothing for a payment never charged', () => {
      given([]).when(refund('ref-1')).thenEmits([]);
    });

    it('emits nothing for a declined payment', () => {
      given([cardDeclined]).when(refund('ref-1', 100)).thenEmits([]);
    });
  });

  it('folds refunds into the state', () => {
    const state = [charged, refunded('ref-1', 1000), refunded('ref-2', 2399)].reduce(
      paymentDecider.evolve,
      paymentDecider.initialState(),
    );
    expect(state).toEqual({
      status: 'REFUNDED',
      paymentId: 'pay-1',
      orderId: 'order-1',
      customerId: 'user-1',
      amount: 3399,
      currency: 'EUR',
      providerReference: 'sim_ch_order-1',
      refundedAmount: 3399,
      refundIds: ['ref-1', 'ref-2'],
    });
  });

  it('emits facts the event catalogue accepts', () => {
    for (const fact of [charged, cardDeclined, refunded('ref-1', 1)]) {
      expect(latestEntry(fact.type)?.dataSchema.safeParse(fact.data).error).toBeUndefined();
    }
  });

  it('names the stream after the order', () => {
    expect(paymentStreamId('order-1')).toBe('payment#order-1');
  });
});

describe('simulated provider', () => {
  it.each([
    ['tok_visa', { status: 'approved', providerReference: 'sim_ch_order-9' }],
    ['tok_decline', { status: 'declined', declineCode: 'card_declined', reason: 'The card was declined' }],
    ['tok_error', { status: 'unavailable', reason: 'The payment provider is unavailable' }],
    [
      'tok_unknown',
      { status: 'declined', declineCode: 'invalid_token', reason: 'The payment token is not valid' },
    ],
    ['', { status: 'declined', declineCode: 'invalid_token', reason: 'The payment token is not valid' }],
  ])('%j → %j', (token, outcome) => {
    expect(simulateProvider(token, 'order-9')).toEqual(outcome);
  });

  it('ProviderUnavailableError is a retryable domain error whose name survives minification', () => {
    const error = new ProviderUnavailableError('down', { orderId: 'order-1' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.toJSON()).toEqual({
      name: 'ProviderUnavailableError',
      code: 'PROVIDER_UNAVAILABLE',
      message: 'down',
      details: { orderId: 'order-1' },
    });
    expect(error.retryable).toBe(true);
  });
});

describe('payments parseCommand', () => {
  const chargeInput = (data: Record<string, unknown> = {}) => ({
    type: 'ChargePayment',
    data: { ...(charge('tok_visa').data as object), ...data },
    metadata,
  });
  const refundInput = (data: Record<string, unknown> = {}) => ({
    type: 'RefundPayment',
    data: { orderId: 'order-1', refundId: 'ref-1', reason: 'shipment failed', ...data },
    metadata,
  });
  const issuesOf = (input: unknown) => {
    try {
      parseCommand(input);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).details.issues as { path: PropertyKey[] }[];
      return [...new Set(issues.map((i) => i.path.join('.')))];
    }
    throw new Error('expected a ValidationError');
  };

  it('accepts well-formed commands as they are', () => {
    expect(parseCommand(chargeInput())).toEqual(charge('tok_visa'));
    expect(parseCommand(refundInput({ amount: 5 }))).toEqual(refundInput({ amount: 5 }));
  });

  it.each([
    ['a negative amount', { amount: -1 }, 'data.amount'],
    ['a zero amount', { amount: 0 }, 'data.amount'],
    ['a fractional amount', { amount: 33.99 }, 'data.amount'],
    ['a lower-case currency', { currency: 'eur' }, 'data.currency'],
    ['an empty token', { paymentToken: '' }, 'data.paymentToken'],
    ['card data', { cardNumber: '4242424242424242' }, 'data'],
  ])('ChargePayment refuses %s', (_, data, path) => {
    expect(issuesOf(chargeInput(data))).toEqual([path]);
  });

  it.each([
    ['a zero amount', { amount: 0 }, 'data.amount'],
    ['a negative amount', { amount: -5 }, 'data.amount'],
    ['no reason', { reason: '' }, 'data.reason'],
    ['no refund id', { refundId: '' }, 'data.refundId'],
  ])('RefundPayment refuses %s', (_, data, path) => {
    expect(issuesOf(refundInput(data))).toEqual([path]);
  });

  it('refuses an unknown command', () => {
    expect(issuesOf({ ...refundInput(), type: 'CapturePayment' })).toEqual(['type']);
  });
});
