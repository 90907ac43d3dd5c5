/**
 * `npm run cost [-- --usage <file>]`: dollars per million orders in AWS for the order-fulfillment saga as a Step
 * Functions STANDARD and as an EXPRESS workflow, from the usage per order the benchmark counted
 * (bench/results/latest.json, field `usagePerOrder`) times the dated price table in bench/cost-prices.ts.
 * Prints a markdown table and writes bench/results/cost.json and cost.md. Exits 1 on a missing or invalid usage.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type CostBreakdown,
  costPerMillionOrders,
  type LineItem,
  type Price,
  type PriceTable,
  parseOrderUsage,
  TARGET_USD_PER_MILLION_ORDERS,
  US_EAST_1,
  UsageValidationError,
} from '../bench/cost-model.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench/results');

const { values } = parseArgs({ options: { usage: { type: 'string' } } });
const usageFile = values.usage ? resolve(process.cwd(), values.usage) : join(resultsDir, 'latest.json');
const shown = values.usage ?? relative(root, usageFile);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (!existsSync(usageFile)) {
  fail(
    `${shown} does not exist: run npm run bench first ` +
      '(or try npm run cost -- --usage bench/results/example-usage.json).',
  );
}
let document: unknown;
try {
  document = JSON.parse(readFileSync(usageFile, 'utf8'));
} catch (error) {
  fail(`${shown} is not JSON: ${(error as Error).message}`);
}
if (typeof document !== 'object' || document === null || !('usagePerOrder' in document)) {
  fail(`${shown} has no usagePerOrder field (the usage per order the benchmark counts): run npm run bench.`);
}
const { usagePerOrder, example, note } = document as {
  usagePerOrder: unknown;
  example?: unknown;
  note?: unknown;
};
let usage: ReturnType<typeof parseOrderUsage>;
try {
  usage = parseOrderUsage(usagePerOrder);
} catch (error) {
  if (error instanceof UsageValidationError)
    fail(`Invalid usagePerOrder in ${shown}:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
  throw error;
}

const prices = US_EAST_1;
const standard = costPerMillionOrders(usage, prices, 'STANDARD');
const express = costPerMillionOrders(usage, prices, 'EXPRESS');

const dollars = (usd: number) =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const amount = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const PER = new Map([
  [1_000_000, '1M '],
  [1_000, '1K '],
  [1, ''],
]);
const unitPrice = (p: Price) =>
  `$${p.usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 10 })} / ${PER.get(p.per) ?? `${p.per} `}${p.unit}`;
const verdict = (b: CostBreakdown) =>
  `${b.workflow} ${dollars(b.totalUsd)}: ${b.totalUsd < TARGET_USD_PER_MILLION_ORDERS ? 'within' : 'OVER'}`;

function table(breakdowns: readonly CostBreakdown[]): string {
  // One row per price line, each workflow's own lines (the saga's) in place after the line they follow.
  const order: string[] = [];
  const rows = new Map<string, { line: LineItem; usd: Map<string, number> }>();
  for (const b of breakdowns) {
    let previous = -1;
    for (const line of b.lines) {
      const row = rows.get(line.priceKey) ?? { line, usd: new Map() };
      row.usd.set(b.workflow, line.usd);
      if (!rows.has(line.priceKey)) order.splice(previous + 1, 0, line.priceKey);
      rows.set(line.priceKey, row);
      previous = order.indexOf(line.priceKey);
    }
  }
  const header = [
    'Service',
    'Item',
    'Unit price',
    'Quantity / 1M orders',
    ...breakdowns.map((b) => b.workflow),
  ];
  const body = order
    .map((key) => rows.get(key)!)
    .map(({ line, usd }) => [
      line.service,
      line.item,
      unitPrice(line.price),
      amount(line.quantity),
      ...breakdowns.map((b) => {
        const value = usd.get(b.workflow);
        return value === undefined ? '—' : dollars(value);
      }),
    ]);
  const total = ['**Total**', '', '', '', ...breakdowns.map((b) => `**${dollars(b.totalUsd)}**`)];
  const right = header.map((_, i) => i >= 3);
  return [
    `| ${header.join(' | ')} |`,
    `| ${right.map((r) => (r ? '---:' : '---')).join(' | ')} |`,
    ...[...body, total].map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function notes(priceTable: PriceTable): string[] {
  const sources = new Map<string, string[]>();
  for (const [key, price] of Object.entries(priceTable.prices)) {
    sources.set(price.source, [...(sources.get(price.source) ?? []), key]);
  }
  return [
    'Notes:',
    ...Object.entries(priceTable.prices)
      .filter(([, price]) => price.note)
      .map(([key, price]) => `- ${key}: ${price.note}`),
    '',
    'Sources:',
    ...[...sources].map(([url, keys]) => `- ${url} (${keys.join(', ')})`),
  ];
}

const markdown = [
  `# Cost per million orders, ${prices.region}`,
  '',
  `Usage per order: \`${shown}\`${example === true ? ` (EXAMPLE, not measured${note ? `: ${note}` : ''})` : ''}.`,
  `Prices: ${prices.basis} (compiled ${prices.compiled}, last verified live: ${prices.lastVerifiedLive ?? 'never'}).`,
  'Free tiers and volume tiers are NOT applied: every line at the first tier, as if the free tier were spent.',
  '',
  table([standard, express]),
  '',
  `Target: under ${dollars(TARGET_USD_PER_MILLION_ORDERS)} per million orders. ${verdict(standard)}; ${verdict(express)}.`,
  'EXPRESS also changes behaviour, not only price: at-least-once, at most 5 minutes per execution.',
  '',
  ...notes(prices),
  '',
].join('\n');

mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, 'cost.json'),
  `${JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      usageFile: shown,
      example: example === true,
      usagePerOrder: usage,
      targetUsdPerMillionOrders: TARGET_USD_PER_MILLION_ORDERS,
      prices,
      standard,
      express,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(join(resultsDir, 'cost.md'), markdown);
console.log(markdown);
console.log(
  `Wrote ${relative(root, join(resultsDir, 'cost.json'))} and ${relative(root, join(resultsDir, 'cost.md'))}.`,
);
