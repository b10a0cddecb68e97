// Reliability through the real binary (docs/reliability.md): retries with backoff and retry-after
// before the first byte only, fallback chains across providers, the universal endpoint with
// x-parapet-step, and circuit breakers that fail fast and recover after their cooldown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startGateway, startFakeProvider, parapetBin, upstreamsToml } from './lib/harness.mjs';
import { request, waitFor, streamRequest, errorType } from './lib/util.mjs';

const run = promisify(execFile);

async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

let fakeA; // openai
let fakeB; // groq: the fallback
let dead;  // a port nobody listens on (mistral)
let gw;    // breakers off: retries and fallbacks alone
before(async () => {
  fakeA = await startFakeProvider();
  fakeB = await startFakeProvider();
  dead = await closedPort();
  gw = await startGateway({
    upstreams: { openai: `${fakeA.url}/v1`, groq: `${fakeB.url}/v1`, mistral: `http://127.0.0.1:${dead}/v1`, echo: fakeA.url },
    config: `
[gateways.default]
[gateways.fb]
[gateways.fb.fallbacks]
"openai/gpt-4o-mini" = ["groq/llama-3.1-8b-instant"]
"mistral/*" = ["groq/llama-3.1-8b-instant", "openai"]
[gateways.locked]
auth = true
[gateways.retrying]
max_attempts = 3
retry_delay_ms = 10
backoff = "constant"
[circuit_breaker]
enabled = false
`,
  });
});
after(async () => {
  await gw?.stop();
  await fakeA?.close();
  await fakeB?.close();
});

const json = { 'content-type': 'application/json' };
const chatBody = (model = 'gpt-4o-mini', extra = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello' }], ...extra });
let keySeq = 0;
const failKey = () => `k${process.pid}-${++keySeq}`;

function chat(base, headers = {}, { gateway = 'default', provider = 'openai', body = chatBody() } = {}) {
  return request(`${base}/${gateway}/${provider}/chat/completions`, { method: 'POST', headers: { ...json, ...headers }, body });
}

async function record(id) {
  await waitFor(async () => (await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' })).status === 200, { what: `record ${id}` });
  return (await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' })).json();
}

// --- retries ---

test('retries: fails twice then succeeds on the third attempt, and stops there', async () => {
  fakeA.clear();
  const r = await chat(gw.url, { 'x-parapet-max-attempts': '5', 'x-parapet-retry-delay': '0', 'x-fake-status': '503', 'x-fake-fail-times': '2', 'x-fake-fail-key': failKey() });
  assert.equal(r.status, 200, r.text);
  assert.equal(fakeA.requests.length, 3, 'two failures, one success, no more');
  assert.equal(r.headers['x-parapet-step'], undefined, 'no steps without a fallback chain');
  for (const q of fakeA.requests) assert.equal(q.headers['x-parapet-max-attempts'], undefined, 'controls not forwarded');
  const rec = await record(r.headers['x-parapet-log-id']);
  assert.equal(rec.attempts, 3);
  assert.equal(rec.status, 200);
  assert.equal(rec.step, -1);
});

test('retries: exhausted attempts pass the last upstream answer on unchanged', async () => {
  fakeA.clear();
  const headers = { 'x-parapet-max-attempts': '3', 'x-parapet-retry-delay': '0', 'x-fake-status': '500' };
  const want = await request(`${fakeA.url}/v1/chat/completions`, { method: 'POST', headers: { ...json, ...headers }, body: chatBody() });
  fakeA.clear();
  const r = await chat(gw.url, headers);
  assert.equal(r.status, 500);
  assert.equal(r.text, want.text);
  assert.equal(fakeA.requests.length, 3);
  assert.equal((await record(r.headers['x-parapet-log-id'])).attempts, 3);
});

test('retries: one attempt by default; 4xx is never retried', async () => {
  fakeA.clear();
  assert.equal((await chat(gw.url, { 'x-fake-status': '500' })).status, 500);
  assert.equal(fakeA.requests.length, 1);
  fakeA.clear();
  assert.equal((await chat(gw.url, { 'x-parapet-max-attempts': '4', 'x-fake-status': '400' })).status, 400);
  assert.equal(fakeA.requests.length, 1);
});

test('retries: gateway defaults from the config, cf-aig-* aliases per request', async () => {
  fakeA.clear();
  assert.equal((await chat(gw.url, { 'x-fake-status': '502' }, { gateway: 'retrying' })).status, 502);
  assert.equal(fakeA.requests.length, 3, '[gateways.retrying] max_attempts = 3');
  fakeA.clear();
  assert.equal((await chat(gw.url, { 'cf-aig-max-attempts': '2', 'cf-aig-retry-delay': '0', 'x-fake-status': '504' })).status, 504);
  assert.equal(fakeA.requests.length, 2);
  assert.equal(fakeA.requests[0].headers['cf-aig-max-attempts'], undefined, 'cf-aig-* controls not forwarded');
});

test('retries: malformed retry headers are 400 and nothing goes upstream', async () => {
  fakeA.clear();
  for (const [name, value] of [['x-parapet-max-attempts', '0'], ['x-parapet-max-attempts', '6'], ['cf-aig-max-attempts', 'x'],
    ['x-parapet-retry-delay', '-5'], ['x-parapet-backoff', 'random'], ['x-parapet-request-timeout', 'soon']]) {
    const r = await chat(gw.url, { [name]: value });
    assert.equal(r.status, 400, `${name}: ${value}`);
    assert.equal(errorType(r.text), 'bad_request');
    assert.match(r.json().error.message, new RegExp(name));
  }
  assert.equal(fakeA.requests.length, 0);
});

test('retries: a reset before the answer head is retried', async () => {
  fakeA.clear();
  const r = await chat(gw.url, { 'x-parapet-max-attempts': '2', 'x-parapet-retry-delay': '0', 'x-fake-reset': 'before-head', 'x-fake-fail-times': '1', 'x-fake-fail-key': failKey() });
  assert.equal(r.status, 200, r.text);
  assert.equal(fakeA.requests.length, 2);
});

test('retries: never after the first byte went to the client', async () => {
  fakeA.clear();
  const s = await streamRequest(`${gw.url}/default/openai/chat/completions`, {
    headers: { ...json, 'x-parapet-max-attempts': '5', 'x-parapet-retry-delay': '0', 'x-fake-reset': 'mid-stream' },
    body: chatBody('gpt-4o-mini', { stream: true }),
  });
  assert.equal(s.status, 200);
  const text = await s.done;
  assert.match(text, /event: error/, 'the cut stream ends with an error event');
  assert.equal(fakeA.requests.length, 1, 'no second attempt once the head was sent');
});

test('retries: retry-after is honoured (and longer than the backoff)', async () => {
  fakeA.clear();
  const t0 = Date.now();
  const r = await chat(gw.url, { 'x-parapet-max-attempts': '2', 'x-parapet-retry-delay': '0', 'x-fake-status': '429', 'x-fake-retry-after': '1', 'x-fake-fail-times': '1', 'x-fake-fail-key': failKey() });
  const took = Date.now() - t0;
  assert.equal(r.status, 200, r.text);
  assert.equal(fakeA.requests.length, 2);
  assert.ok(took >= 950, `waited ${took} ms for retry-after: 1`);
});

test('retries: a client that hangs up during the wait is let go at once (499, no new attempt)', async () => {
  fakeA.clear();
  const controller = new AbortController();
  const t0 = Date.now();
  const pending = fetch(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', signal: controller.signal,
    headers: { ...json, 'x-parapet-max-attempts': '2', 'x-fake-status': '503', 'x-fake-retry-after': '30', 'x-parapet-metadata': '{"case":"hangup"}' },
    body: chatBody(),
  }).catch((e) => e);
  await waitFor(() => fakeA.requests.length === 1, { what: 'first attempt' });
  controller.abort();
  await pending;
  const rec = await waitFor(async () => {
    const page = (await request(`${gw.adminUrl}/logs?metadata=case%3Dhangup`, { method: 'GET' })).json();
    return page.records[0];
  }, { timeoutMs: 5000, what: 'the 499 record' });
  assert.equal(rec.status, 499);
  assert.equal(rec.attempts, 1);
  assert.ok(Date.now() - t0 < 5000, 'did not sit out the 30 s retry-after');
  assert.equal(fakeA.requests.length, 1);
});

test('retries: a retry-after past the request timeout is not waited for', async () => {
  fakeA.clear();
  const t0 = Date.now();
  const r = await chat(gw.url, { 'x-parapet-max-attempts': '3', 'x-parapet-request-timeout': '800', 'x-fake-status': '429', 'x-fake-retry-after': '5' });
  assert.equal(r.status, 429);
  assert.equal(r.headers['retry-after'], '5', 'the upstream answer, retry-after included, goes to the client');
  assert.equal(fakeA.requests.length, 1);
  assert.ok(Date.now() - t0 < 700);
});

test('retries: the request timeout bounds every attempt together', async () => {
  fakeA.clear();
  const t0 = Date.now();
  const r = await chat(gw.url, { 'x-parapet-max-attempts': '5', 'x-parapet-retry-delay': '0', 'x-parapet-request-timeout': '400', 'x-fake-latency-ms': '3000' });
  const took = Date.now() - t0;
  assert.equal(r.status, 504);
  assert.equal(errorType(r.text), 'upstream_timeout');
  assert.match(r.json().error.message, /request timeout of 400 ms/);
  assert.ok(took < 1500, `took ${took} ms`);
  assert.equal(fakeA.requests.length, 1, 'no time left for a second attempt');
});

// --- fallback chains ---

test('fallback: a 500 from the first provider is answered by the second, model rewritten', async () => {
  const key = failKey();
  // Spend fake B's one failure for this key, so only fake A fails.
  await request(`${fakeB.url}/v1/chat/completions`, { method: 'POST', headers: { ...json, 'x-fake-status': '500', 'x-fake-fail-times': '1', 'x-fake-fail-key': key }, body: chatBody() });
  fakeA.clear();
  fakeB.clear();
  const r = await chat(gw.url, { 'x-fake-status': '500', 'x-fake-fail-times': '1', 'x-fake-fail-key': key }, { gateway: 'fb' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-parapet-step'], '1');
  assert.equal(fakeA.requests.length, 1);
  assert.equal(fakeB.requests.length, 1);
  const sent = JSON.parse(fakeB.requests[0].body);
  assert.equal(sent.model, 'llama-3.1-8b-instant');
  assert.deepEqual(sent.messages, JSON.parse(chatBody()).messages, 'the rest of the body as the client sent it');
  const rec = await record(r.headers['x-parapet-log-id']);
  assert.equal(rec.provider, 'groq');
  assert.equal(rec.model_requested, 'llama-3.1-8b-instant');
  assert.equal(rec.step, 1);
  assert.equal(rec.attempts, 2);
});

test('fallback: a refused connection moves on; any-model rules; x-parapet-step 0 when the first answers', async () => {
  fakeB.clear();
  const r = await chat(gw.url, {}, { gateway: 'fb', provider: 'mistral', body: chatBody('mistral-small') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-parapet-step'], '1');
  assert.equal(JSON.parse(fakeB.requests[0].body).model, 'llama-3.1-8b-instant');

  const first = await chat(gw.url, {}, { gateway: 'fb' });
  assert.equal(first.status, 200);
  assert.equal(first.headers['x-parapet-step'], '0');
  // No rule for this model: no steps, no header.
  const other = await chat(gw.url, {}, { gateway: 'fb', body: chatBody('gpt-4o') });
  assert.equal(other.headers['x-parapet-step'], undefined);
});

test('fallback: the last step failing gives its own answer; 4xx does not fall back', async () => {
  fakeA.clear();
  fakeB.clear();
  // mistral (dead) → groq (500) → openai (500): the client sees openai's 500, from step 2.
  const r = await chat(gw.url, { 'x-fake-status': '500' }, { gateway: 'fb', provider: 'mistral', body: chatBody('mistral-small') });
  assert.equal(r.status, 500);
  assert.equal(r.headers['x-parapet-step'], '2');
  assert.equal(fakeB.requests.length, 1);
  assert.equal(fakeA.requests.length, 1);
  assert.equal(JSON.parse(fakeA.requests[0].body).model, 'mistral-small', 'a step without a model keeps the request\'s');
  fakeB.clear();
  const bad = await chat(gw.url, { 'x-fake-status': '401' }, { gateway: 'fb' });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers['x-parapet-step'], '0');
  assert.equal(fakeB.requests.length, 0);
});

// --- universal endpoint ---

const universalStep = (provider, model, extra = {}) => ({
  provider, endpoint: 'chat/completions',
  headers: { Authorization: `Bearer key-for-${provider}`, 'Content-Type': 'application/json' },
  query: { model, messages: [{ role: 'user', content: 'Say hello' }] }, ...extra,
});

test('universal: the first step that succeeds answers, with x-parapet-step', async () => {
  fakeA.clear();
  const body = JSON.stringify([universalStep('mistral', 'mistral-small'), universalStep('openai', 'gpt-4o-mini')]);
  const r = await request(`${gw.url}/default`, { method: 'POST', headers: { ...json, 'x-parapet-metadata': '{"team":"u"}' }, body });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-parapet-step'], '1');
  assert.equal(r.json().object, 'chat.completion');
  assert.equal(fakeA.requests.length, 1);
  const q = fakeA.requests[0];
  assert.equal(q.url, '/v1/chat/completions');
  assert.equal(q.headers.authorization, 'Bearer key-for-openai', 'the step\'s own headers');
  assert.equal(q.headers['x-parapet-metadata'], undefined);
  assert.deepEqual(JSON.parse(q.body), universalStep('openai', 'gpt-4o-mini').query);
  const rec = await record(r.headers['x-parapet-log-id']);
  assert.equal(rec.provider, 'openai');
  assert.equal(rec.model_requested, 'gpt-4o-mini');
  assert.equal(rec.step, 1);
  assert.equal(rec.attempts, 2);
  assert.equal(rec.endpoint, '/chat/completions');
});

test('universal: streaming step, per-step retry config', async () => {
  fakeA.clear();
  const step = universalStep('openai', 'gpt-4o-mini', { config: { maxAttempts: 3, retryDelay: 0 } });
  step.query.stream = true;
  step.headers['x-fake-status'] = '503';
  step.headers['x-fake-fail-times'] = '2';
  step.headers['x-fake-fail-key'] = failKey();
  const r = await request(`${gw.url}/default`, { method: 'POST', headers: json, body: JSON.stringify([step]) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-parapet-step'], '0');
  assert.match(r.text, /data: \[DONE\]/);
  assert.equal(fakeA.requests.length, 3);
});

test('universal: a step\'s requestTimeout moves on to the next step', async () => {
  fakeA.clear();
  const slow = universalStep('openai', 'gpt-4o-mini', { config: { requestTimeout: 300 } });
  slow.headers['x-fake-latency-ms'] = '3000';
  const t0 = Date.now();
  const r = await request(`${gw.url}/default`, { method: 'POST', headers: json, body: JSON.stringify([slow, universalStep('groq', 'llama-3.1-8b-instant')]) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-parapet-step'], '1');
  assert.ok(Date.now() - t0 < 2000, 'did not wait for the slow step');
});

test('universal: malformed arrays are 400, other methods 405', async () => {
  const cases = ['{}', '[]', 'nope', JSON.stringify([{ provider: 'openai' }]), JSON.stringify([{ provider: 'nope', endpoint: 'x' }]),
    JSON.stringify([{ provider: 'openai', endpoint: 'x', headers: { a: 1 } }]),
    JSON.stringify(Array.from({ length: 9 }, () => universalStep('openai', 'm')))];
  for (const body of cases) {
    const r = await request(`${gw.url}/default`, { method: 'POST', headers: json, body });
    assert.equal(r.status, 400, body);
    assert.equal(errorType(r.text), 'bad_request');
  }
  assert.equal((await request(`${gw.url}/default`, { method: 'GET' })).status, 405);
  assert.equal((await request(`${gw.url}/nope`, { method: 'POST', headers: json, body: '[]' })).status, 404);
});

// --- credentials across steps ---

test('virtual keys: a fallback step never gets another provider\'s key; universal steps swap theirs', async () => {
  const REAL = 'sk-REAL-openai-0123456789';
  const created = await fetch(`${gw.adminUrl}/keys`, {
    method: 'POST', headers: json,
    body: JSON.stringify({ kind: 'virtual_key', name: 'rel', provider: 'openai', provider_key: REAL }),
  });
  assert.equal(created.status, 201);
  const vk = (await created.json()).secret;
  const key = failKey();
  await request(`${fakeB.url}/v1/chat/completions`, { method: 'POST', headers: { ...json, 'x-fake-status': '500', 'x-fake-fail-times': '1', 'x-fake-fail-key': key }, body: chatBody() });
  fakeA.clear();
  fakeB.clear();
  const r = await chat(gw.url, { authorization: `Bearer ${vk}`, 'x-fake-status': '500', 'x-fake-fail-times': '1', 'x-fake-fail-key': key }, { gateway: 'fb' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-parapet-step'], '1');
  assert.equal(fakeA.requests[0].headers.authorization, `Bearer ${REAL}`, 'step 0: the stored key');
  const toGroq = fakeB.requests[0].rawHeaders.join('\n');
  assert.equal(fakeB.requests[0].headers.authorization, undefined, 'step 1: no OpenAI key sent to groq');
  assert.ok(!toGroq.includes('REAL') && !toGroq.includes('pvk_'), toGroq);

  fakeA.clear();
  const u = await request(`${gw.url}/default`, {
    method: 'POST', headers: json,
    body: JSON.stringify([{ ...universalStep('openai', 'gpt-4o-mini'), headers: { Authorization: `Bearer ${vk}` } }]),
  });
  assert.equal(u.status, 200, u.text);
  assert.equal(fakeA.requests[0].headers.authorization, `Bearer ${REAL}`);
  assert.ok(!fakeA.requests[0].rawHeaders.join('\n').includes('pvk_'));
});

test('universal: an authenticated gateway wants its token on the client\'s headers', async () => {
  const body = JSON.stringify([universalStep('openai', 'gpt-4o-mini')]);
  const denied = await request(`${gw.url}/locked`, { method: 'POST', headers: json, body });
  assert.equal(denied.status, 401);
  const created = await fetch(`${gw.adminUrl}/keys`, {
    method: 'POST', headers: json, body: JSON.stringify({ kind: 'gateway_token', name: 'rel-token', gateways: ['locked'] }),
  });
  assert.equal(created.status, 201);
  const token = (await created.json()).secret;
  fakeA.clear();
  const ok = await request(`${gw.url}/locked`, { method: 'POST', headers: { ...json, 'x-parapet-authorization': `Bearer ${token}` }, body });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(!fakeA.requests[0].rawHeaders.join('\n').includes(token), 'the gateway token stays at the gateway');
});

// --- circuit breakers ---

test('circuit breaker: opens after failures, fails fast, recovers after the cooldown, survives reload', async () => {
  const fake = await startFakeProvider();
  const fakeFb = await startFakeProvider();
  const breakerConfig = (cooldown) => `
[gateways.default]
[gateways.fb]
[gateways.fb.fallbacks]
"openai/*" = ["groq"]
[circuit_breaker]
consecutive_failures = 3
cooldown_ms = ${cooldown}
${upstreamsToml({})}`;
  const g = await startGateway({ upstreams: { openai: `${fake.url}/v1`, groq: `${fakeFb.url}/v1` }, config: breakerConfig(600) });
  try {
    const circuits = async () => (await request(`${g.adminUrl}/circuits`, { method: 'GET' })).json().circuits;
    // 4xx answers say nothing against the upstream.
    for (let i = 0; i < 4; i++) assert.equal((await chat(g.url, { 'x-fake-status': '401' })).status, 401);
    assert.equal((await circuits()).find((c) => c.upstream === 'openai').state, 'closed');
    for (let i = 0; i < 3; i++) assert.equal((await chat(g.url, { 'x-fake-status': '500' })).status, 500);
    const openedAt = Date.now();
    const c = (await circuits()).find((x) => x.upstream === 'openai');
    const prefixed = (await request(`${g.adminUrl}/admin/circuits`, { method: 'GET' })).json().circuits;
    assert.deepEqual(prefixed.map((x) => x.state), (await circuits()).map((x) => x.state), '/admin/circuits too');
    assert.equal(c.state, 'open');
    assert.equal(c.opens, 1);
    fake.clear();
    const fast = await chat(g.url);
    assert.equal(fast.status, 503);
    assert.equal(errorType(fast.text), 'circuit_open');
    assert.equal(fake.requests.length, 0, 'an open circuit does not reach the upstream');
    // With a fallback chain, an open circuit moves straight to the next step.
    const fb = await chat(g.url, {}, { gateway: 'fb' });
    assert.equal(fb.status, 200);
    assert.equal(fb.headers['x-parapet-step'], '1');
    assert.equal(fake.requests.length, 0);
    const metrics = (await request(`${g.adminUrl}/metrics`, { method: 'GET' })).text;
    assert.match(metrics, /parapet_circuit_state\{upstream="openai"\} 1/);
    assert.match(metrics, /parapet_circuit_opens_total\{upstream="openai"\} 1/);
    const cli = await run(parapetBin(), ['circuits', '--admin', `127.0.0.1:${g.adminPort}`]);
    assert.match(cli.stdout, /openai\s+open\s+1/);

    // A reload keeps the breaker's state.
    g.writeConfig(breakerConfig(700));
    const gen = (await request(`${g.adminUrl}/version`, { method: 'GET' })).json().config_generation;
    g.proc.kill('SIGHUP');
    await waitFor(async () => (await request(`${g.adminUrl}/version`, { method: 'GET' })).json().config_generation > gen, { what: 'reload' });
    assert.equal((await circuits()).find((x) => x.upstream === 'openai').state, 'open');

    // After the cooldown one probe goes through and closes the circuit.
    await waitFor(async () => (await chat(g.url)).status === 200, { timeoutMs: 5000, intervalMs: 50, what: 'recovery' });
    assert.ok(Date.now() - openedAt >= 650, 'not before the cooldown');
    assert.equal(fake.requests.length, 1, 'exactly one probe reached the upstream');
    assert.equal((await circuits()).find((x) => x.upstream === 'openai').state, 'closed');
    assert.match((await request(`${g.adminUrl}/metrics`, { method: 'GET' })).text, /parapet_circuit_state\{upstream="openai"\} 0/);
  } finally {
    await g.stop();
    await fake.close();
    await fakeFb.close();
  }
});
