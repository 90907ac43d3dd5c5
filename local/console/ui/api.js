// The console's API client and small shared view helpers. Everything is rendered through htm, which escapes
// text: no markup from the server is ever parsed (no innerHTML anywhere).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

export async function get(path) {
  const response = await fetch(`/console/api/${path}`, { headers: { accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  return body;
}

export async function post(path, body = {}) {
  const response = await fetch(`/console/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer?.error?.message ?? `HTTP ${response.status}`);
  return answer;
}

/** Loads `path` (again every `refreshMs` when given); returns [data, error, reload]. */
export function useApi(path, refreshMs) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return undefined;
    let live = true;
    const load = () =>
      get(path).then(
        (data) => live && setState({ data, error: undefined }),
        (error) => live && setState((s) => ({ data: s.data, error: String(error.message ?? error) })),
      );
    load();
    const timer = refreshMs ? setInterval(load, refreshMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [path, refreshMs, tick]);
  return [state.data, state.error, () => setTick((t) => t + 1)];
}

export const Badge = ({ value, kind }) => html`<span class=${`badge ${kind ?? value ?? ''}`}>${value}</span>`;

export const ErrorLine = ({ error }) => (error ? html`<p class="error-text">${error}</p>` : null);

export const Json = ({ value }) => html`<pre>${JSON.stringify(value, null, 2)}</pre>`;

export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');

/** HH:MM:SS.mmm: an execution's steps are milliseconds apart. */
export const clock = (iso) => (iso ? new Date(iso).toISOString().slice(11, 23) : '');

/** An ARN's last part; a function's name rather than its alias (`...:function:name:live`). */
export const shortArn = (arn) => {
  const text = String(arn ?? '');
  return /:function:([^:]+)/.exec(text)?.[1] ?? text.split(/[:/]/).pop();
};

export function navigate(hash) {
  window.location.hash = hash;
}
