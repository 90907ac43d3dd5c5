import { commandHandler } from '../../kernel/service/command-handler.js';
import { parseRequest, paymentsExecutor } from './execute.js';

/**
 * The payments service's commands: `{ command: { type: 'ChargePayment' | 'RefundPayment', data }, actor?,
 * commandId? }` → `{ events, result: PaymentResult }` (execute.ts), through the payment provider (the sandbox's, or PAYMENT_PROVIDER_URL's) behind the `payment-provider`
 * circuit breaker. A charge's
 * payment token comes from the token vault (token-vault.ts), never from the command.
 */
export const handler = commandHandler({
  service: 'payments',
  parseCommand: parseRequest,
  execute: paymentsExecutor(),
});
