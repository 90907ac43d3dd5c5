// Live events: the bus's events as they pass (server-sent events), filtered by detail-type, source and
// correlation id; one event's whole envelope, the rules it matched and where each delivery went.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { Badge, ErrorLine, get, Json, navigate, shortArn, time } from '../api.js';

const MAX = 500;

export function EventsPanel({ params }) {
  const [filter, setFilter] = useState({
    detailType: params.get('detailType') ?? '',
    source: params.get('source') ?? '',
    correlationId: params.get('correlationId') ?? '',
  });
  const [events, setEvents] = useState([]);
  const [error, setError] = useState();
  const [live, setLive] = useState(false);
  const [selected, setSelected] = useState();
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();

  useEffect(() => {
    let closed = false;
    const source = new EventSource(`/console/api/events/stream?${query}`);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.addEventListener('bus-event', (message) => {
      const event = JSON.parse(message.data);
      setEvents((list) => [event, ...list.filter((e) => e.id !== event.id)].slice(0, MAX));
    });
    source.addEventListener('delivery', (message) => {
      const { eventId, deliveries } = JSON.parse(message.data);
      setEvents((list) => list.map((e) => (e.id === eventId ? { ...e, deliveries } : e)));
    });
    // The history first; live events that arrive meanwhile stay on top.
    get(`events?${query}`).then(
      (data) =>
        !closed &&
        setEvents((list) =>
          [...list, ...data.events.filter((e) => !list.some((l) => l.id === e.id))].slice(0, MAX),
        ),
      (e) => setError(String(e.message ?? e)),
    );
    return () => {
      closed = true;
      source.close();
      setEvents([]);
    };
  }, [query]);

  const input = (
    key,
    placeholder,
  ) => html`<input placeholder=${placeholder} value=${filter[key]} data-testid=${`filter-${key}`}
    onInput=${(e) => setFilter((f) => ({ ...f, [key]: e.target.value.trim() }))} />`;
  return html`
    <div class="filters">
      <h2>Live events</h2>
      ${input('detailType', 'detail-type')} ${input('source', 'source')} ${input('correlationId', 'correlation id')}
      <${Badge} value=${live ? 'live' : 'connecting'} kind=${live ? 'ok' : 'warn'} />
      <span class="muted">${events.length} shown</span>
    </div>
    <${ErrorLine} error=${error} />
    <div class="row">
      <div class="card grow">
        <table>
          <thead><tr><th>time</th><th>detail-type</th><th>source</th><th>correlation id</th><th>rules</th><th>deliveries</th></tr></thead>
          <tbody>
            ${events.map(
              (
                e,
              ) => html`<tr class=${`clickable ${selected === e.id ? 'selected' : ''}`} data-testid="event-row"
                  data-detail-type=${e.detailType} data-correlation-id=${e.correlationId ?? ''} onClick=${() => setSelected(e.id)}>
                <td>${time(e.time)}</td><td>${e.detailType}</td><td>${e.source}</td>
                <td class="mono">${e.correlationId ?? ''}</td><td>${e.matchedRules.length}</td>
                <td>${summarizeDeliveries(e)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${selected ? html`<div class="card grow"><${EventDetail} id=${selected} /></div>` : null}
    </div>
  `;
}

function summarizeDeliveries(event) {
  const counts = {};
  for (const d of event.deliveries ?? []) counts[d.status] = (counts[d.status] ?? 0) + 1;
  const pending = event.matchedRules.length > 0 && (event.deliveries ?? []).length === 0;
  return html`${Object.entries(counts).map(([status, n]) => html`<${Badge} value=${`${n} ${status}`} kind=${status} /> `)}
    ${pending ? html`<span class="muted">pending</span>` : null}`;
}

function EventDetail({ id }) {
  const [data, setData] = useState();
  const [error, setError] = useState();
  useEffect(() => {
    let live = true;
    const load = () =>
      get(`events/${encodeURIComponent(id)}`).then(
        (d) => live && setData(d),
        (e) => live && setError(String(e.message)),
      );
    load();
    const timer = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [id]);
  if (error) return html`<${ErrorLine} error=${error} />`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  const { summary, deliveries, envelope } = data;
  return html`
    <h3 data-testid="event-detail">${summary.detailType} <span class="muted">${summary.id}</span></h3>
    ${
      summary.correlationId
        ? html`<p><a href=${`#/traces?correlationId=${encodeURIComponent(summary.correlationId)}`}>trace of ${summary.correlationId}</a>
          · <a href="#" onClick=${(e) => {
            e.preventDefault();
            navigate(`#/events?correlationId=${encodeURIComponent(summary.correlationId)}`);
          }}>its events</a></p>`
        : null
    }
    <h3>Rules matched</h3>
    <p>${summary.matchedRules.length ? summary.matchedRules.map((r) => html`<code>${r}</code> `) : html`<span class="muted">none</span>`}</p>
    <h3>Deliveries</h3>
    <table>
      <thead><tr><th>rule</th><th>target</th><th>status</th><th>attempts</th><th>dead-letter queue</th></tr></thead>
      <tbody>${deliveries.map(
        (
          d,
        ) => html`<tr data-testid="delivery" data-status=${d.status}><td class="mono">${shortArn(d.rule)}</td><td class="mono">${shortArn(d.targetArn)}</td>
          <td><${Badge} value=${d.status} />${d.errorCode ? html` <span class="error-text">${d.errorCode}</span>` : null}</td>
          <td>${d.attempts}</td><td class="mono">${d.deadLetterArn ? html`<a href="#/dlq">${shortArn(d.deadLetterArn)}</a>` : ''}</td></tr>`,
      )}</tbody>
    </table>
    <h3>Envelope</h3>
    <${Json} value=${envelope} />
  `;
}
