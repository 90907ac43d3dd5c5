// Traces: a waterfall by trace id or correlation id across Lambda (X-Ray segments, cold starts marked),
// EventBridge (each event, then each target delivery) and Step Functions (the execution, each state).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ErrorLine, time, useApi } from '../api.js';

export function TracesPanel({ params }) {
  const traceId = params.get('traceId') ?? '';
  const correlationId = params.get('correlationId') ?? '';
  const [draft, setDraft] = useState(correlationId || traceId);
  const [recent] = useApi('traces', 5000);
  const query = new URLSearchParams({
    ...(traceId ? { traceId } : {}),
    ...(correlationId ? { correlationId } : {}),
  }).toString();
  const [data, error] = useApi(query ? `waterfall?${query}` : undefined, 3000);
  const open = (value) => {
    const key = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(value) ? 'traceId' : 'correlationId';
    window.location.hash = `#/traces?${key}=${encodeURIComponent(value)}`;
  };
  return html`
    <div class="filters">
      <h2>Traces</h2>
      <input size="44" placeholder="trace id (1-…) or correlation id" value=${draft} data-testid="trace-query"
        onInput=${(e) => setDraft(e.target.value.trim())} onKeyDown=${(e) => e.key === 'Enter' && open(draft)} />
      <button class="primary" onClick=${() => open(draft)}>Open</button>
    </div>
    ${query ? html`<${Waterfall} data=${data} error=${error} />` : null}
    <div class="row">
      <div class="card grow">
        <h3>Recent correlation ids</h3>
        ${(recent?.correlationIds ?? []).map((id) => html`<div><a class="mono" href=${`#/traces?correlationId=${id}`}>${id}</a></div>`)}
      </div>
      <div class="card grow">
        <h3>Recent X-Ray traces <span class="muted">(sampled by the template's rule)</span></h3>
        <table><tbody>${(recent?.traces ?? []).slice(0, 40).map(
          (
            t,
          ) => html`<tr><td><a class="mono" href=${`#/traces?traceId=${t.id}`}>${t.id}</a></td><td>${t.names.join(', ')}</td>
            <td>${Math.round(t.duration * 1000)} ms</td><td>${time(new Date(t.startTime * 1000).toISOString())}</td></tr>`,
        )}</tbody></table>
      </div>
    </div>
  `;
}

function Waterfall({ data, error }) {
  if (error && !data) return html`<${ErrorLine} error=${error} />`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  if (data.spans.length === 0)
    return html`<div class="card"><p class="muted" data-testid="waterfall-empty">Nothing recorded for this id (yet).</p></div>`;
  const start = Math.min(...data.spans.map((s) => s.start));
  const end = Math.max(...data.spans.map((s) => s.end), start + 1);
  const scale = (t) => `${(((t - start) / (end - start)) * 100).toFixed(2)}%`;
  const cold = data.spans.filter((s) => s.coldStart).length;
  return html`
    <div class="card waterfall" data-testid="waterfall">
      <p class="muted">${data.correlationId ? html`correlation id <code>${data.correlationId}</code> · ` : null}
        ${data.traceIds.length} X-Ray trace(s) · ${data.spans.length} spans · ${Math.round(end - start)} ms · ${cold} cold start(s)
        </p>
      <p class="legend"><span><i class="function"></i>Lambda (X-Ray)</span><span><i class="execution"></i>Step Functions</span>
        <span><i class="event"></i>EventBridge</span><span class="cold">❄ cold start</span></p>
      ${data.spans.map(
        (s) => html`<div class="bar-row" data-testid="span" data-kind=${s.kind}>
          <div class="label" style=${{ paddingLeft: `${s.depth * 14}px` }} title=${s.note ?? s.name}>
            ${s.name}${s.coldStart ? html` <span class="cold" data-testid="cold-start">❄ cold start</span>` : null}
            ${s.executionArn && s.kind === 'execution' ? html` <a href=${`#/sagas/${encodeURIComponent(s.executionArn)}`}>saga</a>` : null}
          </div>
          <div class="track"><div class=${`bar ${s.kind} ${s.error ? 'error' : ''}`}
            style=${{ left: scale(s.start), width: `max(2px, calc(${scale(s.end)} - ${scale(s.start)}))` }} title=${s.note ?? ''}></div></div>
          <div class="muted">${Math.round(s.end - s.start)} ms</div>
        </div>`,
      )}
    </div>
  `;
}
