// Upstream faults, one table (docs/hardening.md "Upstream faults"): for each way an upstream can
// fail, what the client gets — a precise status with a JSON error body before the answer head, a
// cleanly terminated stream after it — and the one record the store keeps. The faults come from
// tests/fake_provider/faults.mjs; a faulted connection must never be pooled again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from './lib/harness.mjs';
import { startFaultServer, closedPort } from '../fake_provider/faults.mjs';
import { request, streamRequest, waitFor, within, errorType } from './lib/util.mjs';

const TIMEOUT_MS = 400;  // first byte and idle timeouts of the gateway under test
const TOTAL_MS = 1500;  // its total timeout
const CONNECT_MS = 1000;  // its connect timeout (TCP and TLS handshake)
let gw, faults, tlsFaults, silent, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parapet-faults-'));
  // A self-signed certificate for 127.0.0.1: valid in form, trusted by nobody.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  faults = await startFaultServer();
  tlsFaults = await startFaultServer({ tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
  const closed = await closedPort();
  // Accepts connections and never says a word: a TLS handshake to it can only time out.
  silent = net.createServer((sock) => sock.on('error', () => {}));
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  gw = await startGateway({
    upstreams: {
      openai: `${faults.url}/v1`,
      refused: `http://127.0.0.1:${closed}`,
      nodns: 'http://nonexistent.invalid',
      tlsplain: `https://127.0.0.1:${faults.port}`,
      badcert: tlsFaults.url,
      tlsstall: `https://127.0.0.1:${silent.address().port}`,
    },
    config: `[upstream]
connect_timeout_ms = ${CONNECT_MS}
first_byte_timeout_ms = ${TIMEOUT_MS}
idle_timeout_ms = ${TIMEOUT_MS}
total_timeout_ms = ${TOTAL_MS}
[circuit_breaker]
enabled = false
[gateways.default]
[gateways.cached]
cache_ttl = 300
`,
  });
});
after(async () => {
  await gw?.stop();
  await faults?.close();
  await tlsFaults?.close();
  silent?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// before: no answer head reached the client — `status` with a JSON error body of `type`.
// passthrough: the upstream's answer, unchanged. sse / cut: the head (200) went out, then the
// stream ends with an `event: error` of `type` (SSE) or the connection closes early (other bodies).
// record: what the store keeps.
const U = 'upstream_unreachable', T = 'upstream_timeout', P = 'upstream_protocol_error', R = 'upstream_reset';
const table = [
  { fault: 'refused', provider: 'refused', before: [502, U] },
  { fault: 'dns failure', provider: 'nodns', before: [502, U] },
  { fault: 'tls to a plain server', provider: 'tlsplain', before: [502, 'upstream_tls_error'] },
  { fault: 'tls, untrusted certificate', provider: 'badcert', before: [502, 'upstream_tls_error'] },
  { fault: 'tls handshake never answered', provider: 'tlsstall', before: [504, T] },
  { fault: 'reset-before-head', before: [502, U], sent: [1, 2] },  // resent once on a pooled connection
  { fault: 'close-before-head', before: [502, U], sent: [1, 2] },  // resent once on a pooled connection
  { fault: 'partial-head', before: [502, U] },
  { fault: 'stall-head', before: [504, T] },
  { fault: 'drip-head', before: [504, T] },
  { fault: 'endless-100', before: [504, T] },
  { fault: 'huge-head', before: [502, P] },
  { fault: 'length-and-chunked', before: [502, P] },
  { fault: 'two-lengths', before: [502, P] },
  { fault: 'bad-status-line', before: [502, P] },
  { fault: 'bad-header', before: [502, P] },
  { fault: 'not-http', before: [502, P] },
  { fault: 'malformed-answer', before: [502, P] },
  { fault: 'reset-after-head', cut: R },
  { fault: 'reset-mid-body', cut: R },
  { fault: 'truncated-length', cut: R },
  { fault: 'truncated-chunked', cut: R },
  { fault: 'bad-chunk', cut: P },
  { fault: 'close-delimited-reset', cut: R },
  { fault: 'stall-mid-body', cut: T },
  { fault: 'sse-reset', sse: R },
  { fault: 'sse-truncated', sse: R },
  { fault: 'sse-stall', sse: T },
  { fault: 'sse-bad-chunk', sse: P },
  { fault: 'sse-endless', sse: T },
  { fault: 'overlong-body', passthrough: 200 },
  { fault: 'close-delimited', passthrough: 200 },
  { fault: 'invalid-json', passthrough: 200 },
  { fault: 'status-500', passthrough: 500 },
  { fault: 'status-503', passthrough: 503 },
  { fault: 'status-429', passthrough: 429, header: ['retry-after', '7'] },
];

async function record(id) {
  await waitFor(async () => (await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' })).status === 200,
                { what: `record ${id}` });
  return (await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' })).json();
}

const ids = [];
async function send(c) {
  const provider = c.provider ?? 'openai';
  const stream = Boolean(c.sse);
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] });
  const headers = { 'content-type': 'application/json' };
  if (!c.provider) headers['x-fault'] = c.fault;
  const r = await streamRequest(`${gw.url}/default/${provider}/chat/completions`, { method: 'POST', headers, body });
  const text = await within(5_000, r.done, `${c.fault}: body`);
  const id = r.headers['x-parapet-log-id'];
  assert.ok(id, `${c.fault}: x-parapet-log-id`);
  ids.push(id);
  return { r, text, id };
}

for (const c of table) {
  test(`upstream fault: ${c.fault}`, async () => {
    const t0 = Date.now();
    const requestsBefore = faults.stats.requests;
    const { r, text, id } = await send(c);
    // How many times the fault server got this request (docs/hardening.md, "A pooled connection").
    // Pools are per worker: whether this request meets a pooled connection depends on the worker
    // its connection landed on.
    const [least, most] = c.provider ? [0, 0] : c.sent ?? [1, 1];
    const seen = faults.stats.requests - requestsBefore;
    assert.ok(seen >= least && seen <= most, `requests upstream: ${seen}`);
    const rec = await record(id);
    if (c.before) {
      const [status, type] = c.before;
      assert.equal(r.status, status, text);
      assert.equal(errorType(text), type);
      assert.equal(rec.status, status);
      assert.equal(rec.error_type, type);
      assert.equal(rec.stream_interrupted, false);
    } else if (c.passthrough) {
      assert.equal(r.status, c.passthrough);
      assert.equal(r.ended, true, 'complete answer');
      if (c.header) assert.equal(r.headers[c.header[0]], c.header[1]);
      assert.equal(rec.status, c.passthrough);
      assert.equal(rec.error_type, '', 'the provider\'s own answer');
    } else {
      const type = c.sse ?? c.cut;
      assert.equal(r.status, 200);
      if (c.sse) {
        assert.match(text, /piece0/);
        assert.match(text, new RegExp(`event: error\ndata: \\{"type":"error","error":\\{"type":"${type}"`), text);
        assert.equal(r.ended, true, 'the stream ends properly after the error event');
      } else {
        assert.equal(r.ended, false, 'the body is cut, never passed off as complete');
      }
      assert.equal(rec.status, 200);
      assert.equal(rec.error_type, type);
      assert.equal(rec.stream_interrupted, true);
    }
    assert.ok(Date.now() - t0 < TOTAL_MS + 2_000, `${c.fault}: took ${Date.now() - t0} ms`);
    // The gateway is still healthy and its pool clean: a normal request right after succeeds.
    const ok = await request(`${gw.url}/default/openai/chat/completions`,
                             { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(ok.status, 200, ok.text);
    assert.doesNotMatch(ok.text, /smuggled/);
    ids.push(ok.headers['x-parapet-log-id']);
  });
}

test('a cut or failed answer is never cached', async () => {
  for (const fault of ['truncated-length', 'truncated-chunked', 'bad-chunk', 'stall-mid-body', 'sse-truncated', 'status-503']) {
    const stream = fault.startsWith('sse');
    const body = JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `cache ${fault}` }] });
    const url = `${gw.url}/cached/openai/chat/completions`;
    const headers = { 'content-type': 'application/json' };
    const cut = await streamRequest(url, { method: 'POST', headers: { ...headers, 'x-fault': fault }, body });
    await within(5_000, cut.done, fault);
    ids.push(cut.headers['x-parapet-log-id']);
    // The same request again, now answered properly: not a replay of the failure.
    const next = await request(url, { method: 'POST', headers, body });
    ids.push(next.headers['x-parapet-log-id']);
    assert.equal(next.status, 200, `${fault}: ${next.text}`);
    assert.notEqual(next.headers['x-parapet-cache-status'], 'HIT', fault);
    assert.equal(next.ended, true);
  }
});

test('with retries, a retryable fault is tried again on a fresh connection each time', async () => {
  for (const [fault, status, type] of [['reset-before-head', 502, U], ['stall-head', 504, T], ['partial-head', 502, U], ['status-503', 503, '']]) {
    const before = faults.stats.connections;
    const r = await request(`${gw.url}/default/openai/chat/completions`, {
      method: 'POST', body: '{}',
      headers: { 'content-type': 'application/json', 'x-fault': fault, 'x-parapet-max-attempts': '3', 'x-parapet-retry-delay': '0' },
    });
    ids.push(r.headers['x-parapet-log-id']);
    assert.equal(r.status, status, `${fault}: ${r.text}`);
    if (type) assert.equal(errorType(r.text), type);
    const rec = await record(r.headers['x-parapet-log-id']);
    assert.equal(rec.attempts, 3, fault);
    assert.equal(rec.error_type, type, fault);
    // The first attempt may take the pooled connection of the previous request; every retry
    // opens a new one (a failed answer's connection is closed, never reused).
    assert.ok(faults.stats.connections - before >= 2, `${fault}: a new connection per retry`);
  }
});

test('every request has exactly one record; no faulted connection went back to the pool', async () => {
  assert.equal(faults.stats.reusedAfterFault, 0);
  await waitFor(async () => (await request(`${gw.adminUrl}/logs?limit=1000`, { method: 'GET' })).json().records.length >= ids.length,
                { what: 'all records' });
  const all = (await request(`${gw.adminUrl}/logs?limit=1000`, { method: 'GET' })).json().records;
  assert.equal(all.length, ids.length);
  assert.deepEqual(all.map((x) => x.id).sort(), [...ids].sort());
});
