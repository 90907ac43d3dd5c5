/**
 * The game day's report: the whole result as JSON (for tooling and comparisons between runs) and a markdown
 * page for people — verdict, timeline with the FIS states, figures per window, hypothesis checks, invariants.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PHASES } from './model.js';
import type { GameDayResult } from './run.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const mark = (holds: boolean) => (holds ? 'pass' : '**FAIL**');
const cell = (text: string) => text.replaceAll('|', '\\|');

export function markdownReport(result: GameDayResult): string {
  const lines: string[] = [];
  const wallMs = Date.parse(result.endedAt) - Date.parse(result.startedAt);
  lines.push(`# Game day: ${result.experiment} — ${result.verdict}`);
  lines.push('');
  lines.push(
    `${result.startedAt} → ${result.endedAt} (${seconds(wallMs)}) on ${result.target.endpoint} (stage ${result.target.stage}, ${result.target.region}).`,
  );
  lines.push(
    `Experiment ${result.experimentId} from template ${result.templateId}: ${result.experimentStatus}${result.stoppedByRunner ? ' (stopped by the game day once its orders were decided)' : ''}.`,
  );
  lines.push(
    `Injected: ${result.injected.actions.join('; ') || 'nothing'} — an order meets an error with probability ≤ ${percent(result.injected.errorRate)}, delays add ${result.injected.delayMs} ms.`,
  );
  lines.push(`Stop conditions: ${result.stopConditions.join(', ') || 'none'}.`);
  lines.push(
    `Orders: ${result.settings.windowOrders} baseline, ${result.settings.orders} under fault, ${result.settings.windowOrders} recovery, ${result.settings.concurrency} at a time.`,
  );
  lines.push('');
  lines.push('## Timeline');
  lines.push('');
  lines.push('| at | what |');
  lines.push('|---|---|');
  const timeline = [
    ...result.timeline.map((t) => ({ at: t.at, what: t.what })),
    ...result.fisStates.map((s) => ({
      at: s.at,
      what: `FIS state ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  for (const entry of timeline) lines.push(`| ${entry.at} | ${cell(entry.what)} |`);
  lines.push('');
  lines.push('## Figures per window');
  lines.push('');
  lines.push(
    '| window | placed | accepted | confirmed | cancelled | not terminal | saga success | compensation | ack p50 / p99 | saga p50 / p99 / max |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const phase of PHASES) {
    const f = result.figures[phase];
    lines.push(
      `| ${phase} | ${f.placed} | ${f.accepted} | ${f.confirmed} | ${f.cancelled} | ${f.notTerminal} | ${percent(f.sagaSuccessRate)} | ${percent(f.compensationRate)} | ${seconds(f.ackMs.p50)} / ${seconds(f.ackMs.p99)} | ${seconds(f.sagaMs.p50)} / ${seconds(f.sagaMs.p99)} / ${seconds(f.sagaMs.max)} |`,
    );
  }
  lines.push('');
  for (const phase of PHASES) {
    const reasons = Object.entries(result.figures[phase].reasons);
    if (reasons.length === 0) continue;
    lines.push(`Why, in the ${phase} window: ${reasons.map(([why, n]) => `${n}× ${why}`).join('; ')}.`);
    lines.push('');
  }
  lines.push('## Steady-state hypothesis');
  lines.push('');
  lines.push('| window | check | measured | bound | result |');
  lines.push('|---|---|---|---|---|');
  for (const c of result.checks)
    lines.push(`| ${c.phase} | ${c.name} | ${c.measured} | ${c.bound} | ${mark(c.holds)} |`);
  lines.push('');
  lines.push('## Invariants');
  lines.push('');
  for (const invariant of result.invariants) {
    lines.push(`### ${mark(invariant.holds)}: ${invariant.title}`);
    lines.push('');
    lines.push(`Measured: ${invariant.measuredBy}.`);
    lines.push('');
    lines.push(
      Object.entries(invariant.figures)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · '),
    );
    for (const v of invariant.violations) lines.push(`- ${v}`);
    lines.push('');
  }
  const grown = result.collected.deadLetters.filter((q) => q.after !== q.before || q.redriven > 0);
  lines.push('## Dead-letter queues');
  lines.push('');
  if (grown.length === 0) lines.push(`${result.collected.deadLetters.length} watched, none changed.`);
  else {
    lines.push('| queue | before | after | moved back |');
    lines.push('|---|---|---|---|');
    for (const q of grown) lines.push(`| ${q.queue} | ${q.before} | ${q.after} | ${q.redriven} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Writes `<dir>/<timestamp>-<experiment>.{md,json}`; returns both paths. */
export function writeReport(result: GameDayResult, dir: string): { markdown: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const base = path.join(dir, `${stamp}-${result.experiment}`);
  const markdown = `${base}.md`;
  const json = `${base}.json`;
  writeFileSync(markdown, markdownReport(result));
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  return { markdown, json };
}
