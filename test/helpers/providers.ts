/**
 * In-memory stand-ins for the outbound providers, for unit tests of the handlers' executors: they answer as the
 * sandbox does in a given mode (functions/sandbox/simulate.ts, the same pure code) and record the calls.
 */
import { ProviderUnavailableError } from '../../functions/payments/domain/index.js';
import type {
  ChargeCall,
  PaymentProviderClient,
} from '../../functions/payments/handlers/provider-adapter.js';
import type { SandboxMode } from '../../functions/sandbox/contract.js';
import { simulateCharge } from '../../functions/sandbox/simulate.js';

export function fakePaymentProvider(
  mode: SandboxMode = 'ok',
): PaymentProviderClient & { readonly calls: ChargeCall[] } {
  const calls: ChargeCall[] = [];
  return {
    calls,
    async charge(call) {
      calls.push(call);
      const { idempotencyKey: _key, ...request } = call;
      const answer = simulateCharge(mode, request);
      if (answer.status === 'unavailable')
        throw new ProviderUnavailableError(answer.reason, { orderId: call.orderId });
      return answer;
    },
  };
}
