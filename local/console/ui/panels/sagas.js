// Sagas: Step Functions executions with their status; one execution as its state machine's graph with the
// path taken, the failed step and the compensations marked, its history beside it, a link to its trace.
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { Badge, clock, ErrorLine, Json, time, useApi } from '../api.js';
import { Graph } from './graph.js';

export function SagasPanel({ arg }) {
  return arg ? html`<${Execution} arn=${arg} />` : html`<${Executions} />`;
}

function Executions() {
  const [data, error] = useApi('executions', 3000);
  return html`
    <h2>Sagas <span class="muted">(Step Functions executions, newest first)</span></h2>
    <${ErrorLine} error=${error} />
    <div class="card">
      <table>
        <thead><tr><th>execution</th><th>state machine</th><th>status</th><th>outcome</th><th>started</th><th>correlation id</th></tr></thead>
        <tbody>
          ${(data?.executions ?? []).map(
            (
              e,
            ) => html`<tr class="clickable" data-testid="saga-row" data-name=${e.name} data-status=${e.status}
                data-compensated=${String(e.compensated)} onClick=${() => (window.location.hash = `#/sagas/${encodeURIComponent(e.executionArn)}`)}>
              <td class="mono">${e.name}</td><td>${e.stateMachine}</td><td><${Badge} value=${e.status} /></td>
              <td>${outcome(e)}</td><td>${time(e.startDate)}</td><td class="mono">${e.correlationId ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${data && data.executions.length === 0 ? html`<p class="muted">No executions yet.</p>` : null}
    </div>
  `;
}

function outcome(e) {
  if (e.compensated)
    return html`<${Badge} value=${`compensated after ${e.failedSteps.join(', ')}`} kind="comp" />`;
  if (e.failedSteps.length)
    return html`<${Badge} value=${`failed at ${e.failedSteps.join(', ')}`} kind="bad" />`;
  return e.status === 'SUCCEEDED' ? html`<${Badge} value="completed" kind="ok" />` : '';
}

function Execution({ arn }) {
  const [data, error] = useApi(`executions/${encodeURIComponent(arn)}`, 2000);
  const graph = useMemo(() => (data ? graphOf(data.graph) : undefined), [data]);
  if (error && !data) return html`<${ErrorLine} error=${error} />`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  const traceLink = new URLSearchParams({
    ...(data.correlationId ? { correlationId: data.correlationId } : {}),
    ...(data.traceId ? { traceId: data.traceId } : {}),
  });
  return html`
    <div class="filters">
      <a href="#/sagas">← all sagas</a>
      <h2 data-testid="saga-title">${data.stateMachine} <span class="mono">${data.name}</span></h2>
      <${Badge} value=${data.status} /> ${outcome(data)}
      <a href=${`#/traces?${traceLink}`} data-testid="saga-trace-link">trace ↗</a>
    </div>
    <div class="legend">
      <${Badge} value="path taken" kind="ok" /><${Badge} value="failed step" kind="bad" />
      <${Badge} value="compensation" kind="comp" /><${Badge} value="running" kind="warn" /><span class="muted">- - catch</span>
    </div>
    <div class="row">
      <div class="graph fit grow" data-testid="saga-graph"><${Graph} nodes=${graph.nodes} edges=${graph.edges} nodeTestId="state" fit="100%" /></div>
      <div class="card" style=${{ width: '30%', maxHeight: 'calc(100vh - 130px)', overflow: 'auto' }}>
        ${data.error ? html`<p class="error-text">${data.error}: ${data.cause}</p>` : null}
        <h3>History</h3>
        <table>
          <thead><tr><th>#</th><th>event</th><th>time</th></tr></thead>
          <tbody>${data.history.map(
            (h) => html`<tr title=${h.cause ?? ''}><td>${h.id}</td>
              <td>${h.type}${h.state ? html` · <b>${h.state}</b>` : null}${h.error ? html` <span class="error-text">${h.error}</span>` : null}</td>
              <td class="mono">${clock(h.timestamp).slice(3)}</td></tr>`,
          )}</tbody>
        </table>
        <h3>Input</h3><${Json} value=${data.input} />
      </div>
    </div>
  `;
}

function graphOf(path) {
  return {
    nodes: path.nodes.map((n) => ({
      id: n.name,
      label: n.name,
      sublabel:
        n.status === 'failed' ? (n.error ?? 'failed') : n.attempts > 1 ? `${n.attempts} attempts` : '',
      cls: n.status,
      status: n.status,
      title: `${n.type} · ${n.status}${n.cause ? ` · ${n.cause}` : ''}`,
    })),
    edges: path.edges.map((e) => ({ from: e.from, to: e.to, cls: `${e.kind} ${e.taken ? 'taken' : ''}` })),
  };
}
