#!/usr/bin/env node
// A short run of the gateway for scripts/leakcheck.sh: start (PARAPET_BIN, normally a wrapper that
// runs the binary under valgrind), proxied JSON and SSE answers, cached answers, upstream faults
// before and after the answer head, TLS upstreams (trusted and untrusted), a DNS failure, a client
// hang-up, a SIGHUP reload, the admin API, then SIGTERM with a stream in flight. Exits non-zero
// when a request went wrong or the gateway (valgrind's --error-exitcode) did not exit 0. Budgets
// are generous: valgrind runs the binary 20-50x slower.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, startFakeProvider } from '../lib/harness.mjs';
import { startFaultServer, closedPort } from '../../fake_provider/faults.mjs';
import { request, streamRequest, waitFor } from '../lib/util.mjs';

const opts = { timeoutMs: 60_000 };
const json = { 'content-type': 'application/json' };
const chat = (stream, extra = {}) =>
  JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Say hello' }], ...extra });

// A private CA and a certificate for 127.0.0.1, so the TLS paths run too (as in tls.test.mjs).
const dir = mkdtempSync(join(tmpdir(), 'parapet-leak-'));
const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Leak CA',
     '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
     '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
ossl('req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=127.0.0.1',
     '-addext', 'subjectAltName=IP:127.0.0.1');
const pem = (f) => readFileSync(join(dir, f));

const fake = await startFakeProvider();
const secure = await startFakeProvider({ tls: { key: pem('server.key'), cert: pem('server.pem') } });
const faults = await startFaultServer();
const untrusted = await startFaultServer({ tls: { key: pem('self.key'), cert: pem('self.pem') } });
const closed = await closedPort();
const config = (idleMs) => `[providers.openai]
base_url = "${fake.url}/v1"
[providers.anthropic]
base_url = "${fake.url}"
[upstream]
ca_file = ${JSON.stringify(join(dir, 'ca.pem'))}
first_byte_timeout_ms = 3000
idle_timeout_ms = ${idleMs}
[gateways.default]
cache_ttl = 300
`;
const gw = await startGateway({
  readyTimeoutMs: 120_000,
  upstreams: { flaky: `${faults.url}/v1`, refused: `http://127.0.0.1:${closed}`, secure: secure.url,
               untrusted: untrusted.url, nodns: 'http://nonexistent.invalid' },
  config: config(3000),
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
  for (const [name, status] of [['refused', 502], ['nodns', 502], ['untrusted', 502], ['secure', 200], ['secure', 200]]) {
    const r = await request(`${gw.url}/default/${name}/echo`, { method: 'GET', ...opts });
    assert.equal(r.status, status, `${name}: ${r.text}`);
  }
  // A client that goes away mid-stream.
  const held = await streamRequest(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: { ...json, 'x-fake-hold': 'leak' }, body: chat(true), ...opts });
  held.destroy();
  // A reload (the old config snapshot is released once no request holds it), then a request.
  gw.writeConfig(config(3001));
  gw.proc.kill('SIGHUP');
  await waitFor(() => gw.output().includes('config reloaded'), { timeoutMs: 60_000, what: 'the reload' });
  const after = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body: chat(true), ...opts });
  assert.equal(after.status, 200);
  // The admin side: a search and the metrics.
  assert.equal((await request(`${gw.adminUrl}/logs?limit=5`, { method: 'GET', ...opts })).status, 200);
  assert.equal((await request(`${gw.adminUrl}/metrics`, { method: 'GET', ...opts })).status, 200);
} catch (err) {
  console.error('leak_run:', err);
  failed = true;
}
fake.release('leak');
// SIGTERM with a stream in flight: the drain lets it finish.
let drained;
try {
  drained = await streamRequest(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: { ...json, 'x-fake-hold': 'drain' }, body: chat(true), ...opts });
} catch (err) {
  console.error('leak_run:', err);
  failed = true;
}
const stopped = gw.stop('SIGTERM', 120_000);
if (drained) {
  await waitFor(() => gw.output().includes('draining'), { timeoutMs: 60_000, what: 'the drain' });
  fake.release('drain');
  const text = await drained.done;
  if (!/\[DONE\]/.test(text)) {
    console.error('leak_run: the stream in flight at SIGTERM did not finish');
    failed = true;
  }
}
const { code, signal } = await stopped;
await fake.close();
await secure.close();
await faults.close();
await untrusted.close();
rmSync(dir, { recursive: true, force: true });
console.log(`leak_run: gateway exited code=${code} signal=${signal}`);
if (code !== 0) console.error(gw.output().slice(-4000));
process.exit(failed || code !== 0 ? 1 : 0);
