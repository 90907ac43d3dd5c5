/**
 * The page `GET /graphql` answers a browser with: a minimal, self-contained query editor (no CDN: the
 * machine may have no internet, so this is not the real GraphiQL). It POSTs queries and mutations to the
 * endpoint and reads subscriptions from the server-sent-event stream.
 */
export function graphiqlPage(endpoint: string, apiName: string, apiKey: string): string {
  const config = JSON.stringify({ endpoint, apiKey }).replace(/</g, '\\u003c');
  const title = apiName.replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} — local GraphQL</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;display:grid;grid-template-columns:1fr 1fr;height:100vh}
section{display:flex;flex-direction:column;padding:.75rem;gap:.5rem;min-height:0}
textarea,pre{font-family:ui-monospace,monospace;font-size:13px;flex:1;margin:0;padding:.5rem;border:1px solid #ccc;overflow:auto}
#variables{flex:0 0 6rem} label{font-size:12px;color:#555} input{font-family:ui-monospace,monospace;width:100%}
header{display:flex;gap:.5rem;align-items:center} h1{font-size:1rem;margin:0;flex:1}
</style></head>
<body>
<section>
  <header><h1>${title}</h1><a href="${endpoint}/schema" target="_blank">schema</a><button id="run">Run ▶</button></header>
  <textarea id="query" spellcheck="false">{\n  __typename\n}</textarea>
  <label>variables (JSON)</label><textarea id="variables" spellcheck="false">{}</textarea>
  <label>x-api-key</label><input id="key">
  <label>Authorization (an ID or access token of the local user pool: aws cognito-idp initiate-auth)</label><input id="authorization">
</section>
<section><pre id="out"></pre></section>
<script>
const config = ${config};
const $ = (id) => document.getElementById(id);
$('key').value = config.apiKey;
let stream;
$('run').onclick = async () => {
  if (stream) { stream.abort(); stream = undefined; }
  const headers = { 'content-type': 'application/json' };
  if ($('key').value) headers['x-api-key'] = $('key').value;
  if ($('authorization').value) headers.authorization = $('authorization').value;
  const query = $('query').value;
  let variables;
  try { variables = JSON.parse($('variables').value || '{}'); } catch (e) { $('out').textContent = 'variables: ' + e; return; }
  if (/^\\s*subscription\\b/.test(query)) {
    stream = new AbortController();
    const url = config.endpoint + '/subscriptions?' + new URLSearchParams({ query, variables: JSON.stringify(variables) });
    $('out').textContent = '';
    const response = await fetch(url, { headers, signal: stream.signal });
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) break;
      $('out').textContent += value;
    }
    return;
  }
  const response = await fetch(config.endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  $('out').textContent = JSON.stringify(await response.json(), null, 2);
};
</script>
</body></html>`;
}
