// Dead-letter queues with their messages (read without receiving them) and a redrive button.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Badge, ErrorLine, post, time, useApi } from '../api.js';

export function QueuesPanel() {
  const [data, error, reload] = useApi('queues', 3000);
  const [selected, setSelected] = useState();
  const [result, setResult] = useState();
  const redrive = async (name) => {
    setResult(undefined);
    try {
      const answer = await post(`queues/${encodeURIComponent(name)}/redrive`);
      setResult(`${answer.moved} message(s) sent back to ${answer.to}`);
    } catch (e) {
      setResult(`redrive failed: ${e.message}`);
    }
    reload();
  };
  return html`
    <h2>Dead-letter queues</h2>
    <${ErrorLine} error=${error} />
    ${result ? html`<p data-testid="redrive-result">${result}</p>` : null}
    <div class="row">
      <div class="card grow">
        <table>
          <thead><tr><th>queue</th><th>messages</th><th>fed by</th><th></th></tr></thead>
          <tbody>${(data?.queues ?? []).map(
            (
              q,
            ) => html`<tr class=${`clickable ${selected === q.name ? 'selected' : ''}`} data-testid="dlq-row" data-name=${q.name} data-messages=${q.visible + q.inFlight} onClick=${() => setSelected(q.name)}>
              <td class="mono">${q.name}</td>
              <td>${q.visible + q.inFlight ? html`<${Badge} value=${q.visible + q.inFlight} kind="bad" />` : html`<span class="muted">0</span>`}</td>
              <td class="muted">${[...q.sources.map((s) => `queue ${s}`), ...q.rules.map((r) => `rule ${r}`)].join(', ')}</td>
              <td>${
                q.visible
                  ? html`<button data-testid="redrive" onClick=${(e) => {
                      e.stopPropagation();
                      redrive(q.name);
                    }}>Redrive</button>`
                  : null
              }</td>
            </tr>`,
          )}</tbody>
        </table>
      </div>
      ${selected ? html`<div class="card grow"><${Messages} name=${selected} /></div>` : null}
    </div>
  `;
}

function Messages({ name }) {
  const [data, error] = useApi(`queues/${encodeURIComponent(name)}/messages`, 3000);
  return html`
    <h3>${name}</h3>
    <${ErrorLine} error=${error} />
    ${(data?.messages ?? []).length === 0 ? html`<p class="muted">Empty.</p>` : null}
    ${(data?.messages ?? []).map(
      (m) => html`<div class="card" data-testid="dlq-message">
        <p class="muted">${m.messageId} · sent ${time(m.sentAt)} · received ${m.receiveCount}×</p>
        ${Object.keys(m.attributes).length ? html`<table><tbody>${Object.entries(m.attributes).map(([k, v]) => html`<tr><th>${k}</th><td class="mono">${v}</td></tr>`)}</tbody></table>` : null}
        <pre>${pretty(m.body)}</pre>
      </div>`,
    )}
  `;
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
