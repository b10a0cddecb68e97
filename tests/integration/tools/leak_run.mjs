#!/usr/bin/env node
// A short run of the gateway for scripts/leakcheck.sh: start (PARAPET_BIN, normally a wrapper that
// runs the binary under valgrind), proxied JSON and SSE answers, upstream faults before and after
// the answer head, a cached answer, then SIGTERM. Exits non-zero when a request went wrong or the
// gateway (valgrind's --error-exitcode) did not exit 0. Slow on purpose-sized budgets: valgrind
// runs the binary 20-50x slower.
import assert from 'node:assert/strict';
import { startGateway, startFakeProvider } from '../lib/harness.mjs';
import { startFaultServer, closedPort } from '../../fake_provider/faults.mjs';
import { request, streamRequest } from '../lib/util.mjs';

const opts = { timeoutMs: 60_000 };
const json = { 'content-type': 'application/json' };
const chat = (stream, extra = {}) =>
  JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Say hello' }], ...extra });

const fake = await startFakeProvider();
const faults = await startFaultServer();
const closed = await closedPort();
const gw = await startGateway({
  readyTimeoutMs: 120_000,
  upstreams: { flaky: `${faults.url}/v1`, refused: `http://127.0.0.1:${closed}` },
  config: `[providers.openai]
base_url = "${fake.url}/v1"
[providers.anthropic]
base_url = "${fake.url}"
[upstream]
first_byte_timeout_ms = 3000
idle_timeout_ms = 3000
[gateways.default]
cache_ttl = 300
`,
});
let failed = false;
try {
  for (let i = 0; i < 3; i++) {  // the 2nd and 3rd non-streamed answers are cache hits
    const r = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body: chat(false), ...opts });
    assert.equal(r.status, 200, r.text);
    const s = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body: chat(true), ...opts });
    assert.equal(s.status, 200);
    assert.match(s.text, /\[DONE\]/);
  }
  const a = await request(`${gw.url}/default/anthropic/v1/messages`, {
    method: 'POST', headers: { ...json, 'anthropic-version': '2023-06-01' }, ...opts,
    body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(a.status, 200);
  // Faults: before the head, mid-stream, a timeout, a malformed answer, a refused connect.
  for (const f of ['reset-before-head', 'sse-reset', 'sse-stall', 'bad-header', 'truncated-chunked', 'status-503']) {
    const r = await streamRequest(`${gw.url}/default/flaky/chat/completions`, { method: 'POST', headers: { ...json, 'x-fault': f }, body: chat(f.startsWith('sse')), ...opts });
    await r.done;
  }
  const refused = await request(`${gw.url}/default/refused/x`, { method: 'GET', ...opts });
  assert.equal(refused.status, 502);
  // A client that goes away mid-stream.
  const held = await streamRequest(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: { ...json, 'x-fake-hold': 'leak' }, body: chat(true), ...opts });
  held.destroy();
  // The admin side: a search and the metrics.
  assert.equal((await request(`${gw.adminUrl}/logs?limit=5`, { method: 'GET', ...opts })).status, 200);
  assert.equal((await request(`${gw.adminUrl}/metrics`, { method: 'GET', ...opts })).status, 200);
} catch (err) {
  console.error('leak_run:', err);
  failed = true;
}
fake.release('leak');
const { code, signal } = await gw.stop('SIGTERM', 120_000);
await fake.close();
await faults.close();
console.log(`leak_run: gateway exited code=${code} signal=${signal}`);
if (code !== 0) console.error(gw.output().slice(-4000));
process.exit(failed || code !== 0 ? 1 : 0);
