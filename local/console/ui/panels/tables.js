// The read-model browser: every DynamoDB table and its items, a page at a time.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorLine, get, useApi } from '../api.js';

export function TablesPanel({ arg }) {
  const [data, error] = useApi('tables');
  const [filter, setFilter] = useState('');
  const tables = (data?.tables ?? []).filter((t) => t.toLowerCase().includes(filter.toLowerCase()));
  return html`
    <div class="row">
      <div class="card" style=${{ width: '30%' }}>
        <div class="filters"><h2>Tables</h2><input placeholder="filter" value=${filter} onInput=${(e) => setFilter(e.target.value)} /></div>
        <${ErrorLine} error=${error} />
        ${tables.map((t) => html`<div><a class=${`mono ${arg === t ? 'active' : ''}`} href=${`#/tables/${encodeURIComponent(t)}`}>${t}</a></div>`)}
      </div>
      <div class="card grow">${arg ? html`<${Items} table=${arg} />` : html`<p class="muted">Choose a table.</p>`}</div>
    </div>
  `;
}

function Items({ table }) {
  const [pages, setPages] = useState([undefined]);
  const [page, setPage] = useState();
  const [error, setError] = useState();
  const token = pages[pages.length - 1];
  useEffect(() => setPages([undefined]), [table]);
  useEffect(() => {
    setError(undefined);
    get(`tables/${encodeURIComponent(table)}/items${token ? `?next=${encodeURIComponent(token)}` : ''}`).then(
      setPage,
      (e) => setError(e.message),
    );
  }, [table, token]);
  // Every attribute, in a stable order (DynamoDB gives an item's attributes in no order): the box scrolls.
  const columns = [...new Set((page?.items ?? []).flatMap((item) => Object.keys(item)))].sort();
  return html`
    <div class="filters"><h2 class="mono">${table}</h2>
      <button disabled=${pages.length < 2} onClick=${() => setPages((p) => p.slice(0, -1))}>← previous</button>
      <span class="muted">page ${pages.length}</span>
      <button disabled=${!page?.next} onClick=${() => setPages((p) => [...p, page.next])}>next →</button>
    </div>
    <${ErrorLine} error=${error} />
    <div style=${{ overflow: 'auto' }}>
      <table><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
        <tbody>${(page?.items ?? []).map((item) => html`<tr data-testid="item">${columns.map((c) => html`<td class="mono">${cell(item[c])}</td>`)}</tr>`)}</tbody></table>
    </div>
    ${page && page.items.length === 0 ? html`<p class="muted">No items.</p>` : null}
  `;
}

function cell(value) {
  if (value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
