import { commandHandler } from '../../kernel/service/command-handler.js';
import { parseCommand } from '../domain/commands.js';
import { paymentsExecutor } from './execute.js';

/**
 * The payments service's commands: `{ command: { type: 'ChargePayment' | 'RefundPayment', data }, actor?,
 * commandId? }` → `{ events, result: PaymentResult }` (execute.ts), through the simulated provider.
 */
export const handler = commandHandler({
  service: 'payments',
  parseCommand,
  execute: paymentsExecutor(),
});
