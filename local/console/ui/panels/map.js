// The service map: stacks and what runs in them, from the templates, with live counts on the edges.
// "All services" folds each stack into one box (edges summed); choosing a stack shows its resources and
// their neighbours in other stacks.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { ErrorLine, useApi } from '../api.js';
import { Graph } from './graph.js';

const KIND_LABEL = { function: 'λ', table: '▦', queue: '✉', bus: '⇶', stateMachine: '◇' };

export function MapPanel({ params }) {
  const [data, error] = useApi('map', 3000);
  // The stack is in the address (#/map?stack=...): a link or a reload shows the same view.
  const stack = params.get('stack') ?? '';
  const setStack = (value) => {
    window.location.hash = value ? `#/map?stack=${encodeURIComponent(value)}` : '#/map';
  };
  const [showUses, setShowUses] = useState(false);
  const view = useMemo(
    () => (data ? (stack ? stackView(data, stack, showUses) : servicesView(data)) : undefined),
    [data, stack, showUses],
  );
  const stacks = data ? [...new Set(data.nodes.map((n) => n.stack))].sort() : [];
  return html`
    <div class="filters">
      <h2>Service map</h2>
      <select value=${stack} onChange=${(e) => setStack(e.target.value)} data-testid="map-stack">
        <option value="">All services</option>
        ${stacks.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      ${stack ? html`<label><input type="checkbox" checked=${showUses} onChange=${(e) => setShowUses(e.target.checked)} /> tables and queues a function names</label>` : null}
      <span class="muted">numbers: deliveries and invocations since start (edges), recent invocations, queued messages, executions (boxes)</span>
    </div>
    <div class="legend">
      <span>λ function</span><span>▦ table</span><span>✉ queue</span><span>⇶ bus</span><span>◇ state machine</span>
      <span>— rule / mapping / task</span><span class="muted">- - dead letters</span>
    </div>
    <${ErrorLine} error=${error} />
    ${
      view
        ? html`<div class="graph"><${Graph} nodes=${view.nodes} edges=${view.edges} rankdir="LR"
        onNodeClick=${(node) => node.stack && !stack && setStack(node.stack)} /></div>`
        : html`<p class="muted">Loading…</p>`
    }
  `;
}

function servicesView(data) {
  const counts = data.counts;
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const nodes = new Map();
  for (const node of data.nodes) {
    const entry = nodes.get(node.stack) ?? {
      id: node.stack,
      label: node.stack.replace(/^.*?-(?=[^-]+$)/, ''),
      stack: node.stack,
      cls: 'stack',
      n: {},
    };
    entry.n[node.kind] = (entry.n[node.kind] ?? 0) + 1;
    nodes.set(node.stack, entry);
  }
  for (const entry of nodes.values()) {
    entry.sublabel = Object.entries(entry.n)
      .map(([k, v]) => `${KIND_LABEL[k]}${v}`)
      .join(' ');
    entry.title = `${entry.stack}: click to open`;
  }
  const edges = new Map();
  for (const edge of data.edges) {
    if (edge.kind === 'uses' || edge.kind === 'dlq' || edge.kind === 'redrive') continue;
    const from = byId.get(edge.from)?.stack;
    const to = byId.get(edge.to)?.stack;
    if (!from || !to || from === to) continue;
    const key = `${from}|${to}`;
    const entry = edges.get(key) ?? { from, to, n: 0, links: 0 };
    entry.n += counts.edges[edge.id] ?? 0;
    entry.links += 1;
    edges.set(key, entry);
  }
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()].map((e) => ({ ...e, label: e.n ? String(e.n) : '', cls: e.n ? 'taken' : '' })),
  };
}

function stackView(data, stack, showUses) {
  const counts = data.counts;
  const inStack = new Set(data.nodes.filter((n) => n.stack === stack).map((n) => n.id));
  const edges = data.edges.filter(
    (e) => (showUses || e.kind !== 'uses') && (inStack.has(e.from) || inStack.has(e.to)),
  );
  const shown = new Set([...inStack, ...edges.flatMap((e) => [e.from, e.to])]);
  const nodes = data.nodes
    .filter((n) => shown.has(n.id))
    .map((n) => ({
      id: n.id,
      label: `${KIND_LABEL[n.kind]} ${inStack.has(n.id) ? n.label : `${n.stack.replace(/^.*?-(?=[^-]+$)/, '')}/${n.label}`}`,
      sublabel: counts.nodes[n.id] ? String(counts.nodes[n.id]) : '',
      cls: n.kind,
      title: n.name,
    }));
  return {
    nodes,
    edges: edges.map((e) => ({
      from: e.from,
      to: e.to,
      label: counts.edges[e.id] ? String(counts.edges[e.id]) : '',
      cls: `${e.kind} ${counts.edges[e.id] ? 'taken' : ''}`,
    })),
  };
}
