// The console's shell: a hash router over the panels. Each panel reads the console's JSON API.
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { EventsPanel } from './panels/events.js';
import { MapPanel } from './panels/map.js';
import { OperationsPanel } from './panels/operations.js';
import { QueuesPanel } from './panels/queues.js';
import { SagasPanel } from './panels/sagas.js';
import { TablesPanel } from './panels/tables.js';
import { TracesPanel } from './panels/traces.js';

const PANELS = [
  ['map', 'Service map', MapPanel],
  ['events', 'Live events', EventsPanel],
  ['sagas', 'Sagas', SagasPanel],
  ['traces', 'Traces', TracesPanel],
  ['dlq', 'Dead letters', QueuesPanel],
  ['ops', 'Metrics, alarms, breakers, experiments', OperationsPanel],
  ['tables', 'Tables', TablesPanel],
];

function route() {
  const [path, query = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
  const [panel, ...rest] = path.split('/');
  return {
    panel: panel || 'map',
    arg: rest.map(decodeURIComponent).join('/'),
    params: new URLSearchParams(query),
  };
}

function App() {
  const [current, setCurrent] = useState(route());
  useEffect(() => {
    const onChange = () => setCurrent(route());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const entry = PANELS.find(([id]) => id === current.panel) ?? PANELS[0];
  const Panel = entry[2];
  return html`
    <header>
      <h1>Local console</h1>
      <nav>
        ${PANELS.map(([id, title]) => html`<a href=${`#/${id}`} class=${id === entry[0] ? 'active' : ''}>${title}</a>`)}
        <a href="/graphql" target="_blank" rel="noopener">GraphQL editor ↗</a>
      </nav>
    </header>
    <main><${Panel} arg=${current.arg} params=${current.params} /></main>
  `;
}

const root = document.getElementById('app');
// The "loading" line is static markup: render replaces it rather than diffing against it.
root.replaceChildren();
render(html`<${App} />`, root);
