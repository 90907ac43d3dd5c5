// Metrics and alarms (local CloudWatch), circuit breakers (the state table the templates name), experiments
// (local FIS, when the endpoint serves it) and game-day reports.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Badge, ErrorLine, time, useApi } from '../api.js';

export function OperationsPanel() {
  return html`
    <div class="row">
      <div class="grow"><${Breakers} /><${Experiments} /><${Alarms} /></div>
      <div class="grow"><${Metrics} /></div>
    </div>
  `;
}

function Alarms() {
  const [data, error] = useApi('alarms', 5000);
  const alarms = data?.alarms ?? [];
  const count = (state) => alarms.filter((a) => a.state === state).length;
  return html`<div class="card">
    <h2>Alarms <span class="muted">${alarms.length}: ${count('ALARM')} in ALARM · ${count('OK')} OK · ${count('INSUFFICIENT_DATA')} insufficient data</span></h2>
    <${ErrorLine} error=${error} />
    <div class="scroll"><table><tbody>${alarms.map(
      (a) =>
        html`<tr title=${a.reason} data-testid="alarm" data-name=${a.name} data-state=${a.state}><td><${Badge} value=${a.state} /></td><td class="mono">${a.name}</td><td class="muted">${time(a.updatedAt)}</td></tr>`,
    )}</tbody></table></div>
  </div>`;
}

function Breakers() {
  const [data, error] = useApi('circuit-breakers', 3000);
  if (data && !data.table)
    return html`<div class="card"><h2>Circuit breakers</h2><p class="muted">No circuit-breaker table in the templates.</p></div>`;
  const items = data?.items ?? [];
  return html`<div class="card">
    <h2>Circuit breakers <span class="muted mono">${data?.table ?? ''}</span></h2>
    <${ErrorLine} error=${error} />
    ${items.length === 0 ? html`<p class="muted">No circuit has changed state yet (all closed).</p>` : null}
    <table><tbody>${items.map(
      (
        c,
      ) => html`<tr data-testid="breaker" data-name=${c.name} data-state=${c.state ?? ''}><td class="mono">${c.name}</td><td><${Badge} value=${c.state ?? '?'} /></td>
        <td class="muted">${Object.entries(c)
          .filter(([k]) => k !== 'name' && k !== 'state')
          .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
          .join(' · ')}</td></tr>`,
    )}</tbody></table>
  </div>`;
}

function Experiments() {
  const [data, error] = useApi('fis', 5000);
  const [reports] = useApi('reports', 10000);
  const [open, setOpen] = useState();
  return html`<div class="card">
    <h2>Experiments</h2>
    <${ErrorLine} error=${error} />
    ${data && !data.available ? html`<p class="muted" data-testid="no-fis">No FIS: ${data.reason}</p>` : null}
    ${
      data?.available
        ? html`<h3>Templates</h3>
        <table><tbody>${data.templates.map((t) => html`<tr><td class="mono">${t.id}</td><td>${t.tags.Name ?? ''}</td><td class="muted">${t.description}</td></tr>`)}</tbody></table>
        <h3>Experiments</h3>
        ${data.experiments.length === 0 ? html`<p class="muted">None run yet.</p>` : null}
        <table><tbody>${data.experiments.map((e) => html`<tr title=${e.reason ?? ''}><td class="mono">${e.id}</td><td>${e.tags.Name ?? e.templateId}</td><td><${Badge} value=${e.status} /></td><td class="muted">${time(e.createdAt)}</td></tr>`)}</tbody></table>`
        : null
    }
    <h3>Game-day reports <span class="muted">(${reports?.dir ?? ''}/)</span></h3>
    ${(reports?.reports ?? []).length === 0 ? html`<p class="muted">None yet: <code>${'npm run gameday -- <experiment>'}</code> writes them.</p>` : null}
    ${(reports?.reports ?? []).map(
      (r) =>
        html`<div><a href="#" onClick=${(e) => {
          e.preventDefault();
          setOpen(r.name);
        }}>${r.name}</a> <span class="muted">${time(r.modifiedAt)}</span></div>`,
    )}
    ${open ? html`<${Report} name=${open} />` : null}
  </div>`;
}

function Report({ name }) {
  const [data, error] = useApi(`reports/${encodeURIComponent(name)}`);
  return html`<${ErrorLine} error=${error} />${data ? html`<pre>${data.text}</pre>` : null}`;
}

function Metrics() {
  const [data, error] = useApi('metrics', 10000);
  const [filter, setFilter] = useState('');
  const metrics = (data?.metrics ?? []).filter(
    (m) => !filter || `${m.namespace} ${m.name} ${m.dimensions}`.toLowerCase().includes(filter.toLowerCase()),
  );
  return html`<div class="card">
    <div class="filters"><h2>Metrics <span class="muted">sum over the last 15 minutes</span></h2>
      <input placeholder="filter" value=${filter} onInput=${(e) => setFilter(e.target.value)} /></div>
    <${ErrorLine} error=${error} />
    <div class="scroll tall"><table><thead><tr><th>namespace</th><th>metric</th><th>dimensions</th><th>sum</th></tr></thead>
      <tbody>${metrics
        .slice(0, 300)
        .map(
          (m) =>
            html`<tr><td>${m.namespace}</td><td>${m.name}</td><td class="mono muted">${m.dimensions}</td><td>${Math.round(m.sum * 100) / 100}</td></tr>`,
        )}</tbody></table></div>
    ${metrics.length > 300 ? html`<p class="muted">${metrics.length - 300} more: filter to see them.</p>` : null}
  </div>`;
}
