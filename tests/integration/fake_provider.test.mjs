// The fake provider by itself (no gateway): wire formats, error shapes and every x-fake-* switch,
// so a failing gateway test can be trusted to be about the gateway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFakeProvider } from './lib/harness.mjs';
import { request, streamRequest, waitFor, within, fakeStats, fakeRelease } from './lib/util.mjs';

let fake;
before(async () => { fake = await startFakeProvider(); });
after(async () => { await fake?.close(); });

const post = (path, value, headers = {}) =>
  request(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });

test('OpenAI chat stream: usage chunk only with stream_options.include_usage', async () => {
  const plain = (await post('/v1/chat/completions', { stream: true })).text;
  const usage = (await post('/v1/chat/completions', { stream: true, stream_options: { include_usage: true } })).text;
  for (const text of [plain, usage]) assert.match(text, /\n\ndata: \[DONE\]\n\n$/);
  assert.doesNotMatch(plain, /"usage"/);
  const chunks = usage.split('\n\n').filter((e) => e && e !== 'data: [DONE]').map((e) => JSON.parse(e.slice(6)));
  assert.ok(chunks.slice(0, -1).every((c) => c.usage === null && c.object === 'chat.completion.chunk'));
  assert.deepEqual(chunks.at(-1).choices, []);
  assert.equal(chunks.at(-1).usage.total_tokens, 28);
});

test('Responses and Anthropic streams carry event: lines matching data.type', async () => {
  for (const [path, body] of [['/v1/responses', { stream: true }], ['/v1/messages', { stream: true }]]) {
    const events = (await post(path, body)).text.split('\n\n').filter(Boolean);
    for (const e of events) {
      const m = /^event: (\S+)\ndata: (.*)$/.exec(e);
      assert.ok(m, e);
      assert.equal(JSON.parse(m[2]).type, m[1]);
    }
  }
});

test('Gemini: SSE framed with CRLF, default stream is one JSON array', async () => {
  const sse = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', {});
  assert.match(sse.headers['content-type'], /^text\/event-stream/);
  assert.equal(sse.text.split('\r\n\r\n').filter(Boolean).length, 3);
  const arr = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent', {});
  const parsed = JSON.parse(arr.text);
  assert.equal(parsed.length, 3);
  assert.equal(parsed.map((c) => c.candidates[0].content.parts[0].text).join(''), 'Hello! How can I help you today?\n');
});

test('error shapes per provider, retry-after, invalid JSON', async () => {
  const o = await post('/v1/chat/completions', {}, { 'x-fake-status': '429', 'x-fake-retry-after': '9' });
  assert.equal(o.status, 429);
  assert.equal(o.headers['retry-after'], '9');
  assert.deepEqual(Object.keys(o.json().error), ['message', 'type', 'param', 'code']);
  const a = await post('/v1/messages', {}, { 'x-fake-status': '529' });
  assert.equal(a.json().type, 'error');
  assert.equal(a.json().error.type, 'overloaded_error');
  const g = await post('/v1beta/models/m:generateContent', {}, { 'x-fake-status': '503' });
  assert.deepEqual(g.json().error, { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' });
  const bad = await request(`${fake.url}/v1/messages`, { method: 'POST', body: '{not json' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().error.type, 'invalid_request_error');
});

test('echo: method, path, query, headers and body as received', async () => {
  const r = await request(`${fake.url}/some/where?a=1&b=2`, { method: 'PUT', headers: { 'X-Mixed-Case': 'v' }, body: 'payload' });
  const e = r.json();
  assert.deepEqual([e.method, e.path, e.query, e.body, e.headers['x-mixed-case']], ['PUT', '/some/where', 'a=1&b=2', 'payload', 'v']);
  assert.ok(e.rawHeaders.includes('X-Mixed-Case'));
  assert.equal(fake.requests.at(-1).url, '/some/where?a=1&b=2');
});

test('latency, chunk delay', async () => {
  let t0 = Date.now();
  await request(`${fake.url}/v1/models`, { method: 'GET', headers: { 'x-fake-latency-ms': '200' } });
  assert.ok(Date.now() - t0 >= 190);
  t0 = Date.now();
  await post('/v1/messages', { stream: true }, { 'x-fake-chunk-delay-ms': '30' }); // 9 events
  assert.ok(Date.now() - t0 >= 8 * 30 - 10);
});

test('reset before the head and mid-stream', async () => {
  await assert.rejects(post('/v1/chat/completions', {}, { 'x-fake-reset': 'before-head' }));
  const r = await streamRequest(`${fake.url}/v1/messages`, {
    method: 'POST', headers: { 'x-fake-reset': 'mid-stream' }, body: '{"stream":true}',
  });
  const text = await within(5_000, r.done);
  assert.equal(text.split('\n\n').filter(Boolean).length, 2);
  assert.equal(r.ended, false, 'no clean end');
});

test('hold until released; a client leaving counts as aborted', async () => {
  fake.clear();
  const r = await streamRequest(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-fake-hold': 'h' }, body: '{"stream":true}' });
  await r.waitForText('\n\n');
  assert.equal(r.text().split('\n\n').length, 2, 'one event so far');
  await fakeRelease(fake, 'h');
  assert.match(await within(5_000, r.done), /\[DONE\]\n\n$/);

  const gone = await streamRequest(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-fake-hold': 'g' }, body: '{"stream":true}' });
  await gone.waitForText('\n\n');
  gone.destroy();
  await waitFor(async () => (await fakeStats(fake)).aborted === 1, { what: 'aborted = 1' });
  assert.equal(fake.stats.completed, 1);
  await fakeRelease(fake, 'g');
});

test('big stream: about the size asked, bytes counted', async () => {
  fake.clear();
  const r = await request(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-fake-big-stream': '1000000' }, body: '{}' });
  assert.ok(r.text.length >= 1_000_000 && r.text.length < 1_010_000, String(r.text.length));
  assert.ok(fake.stats.bigStreamBytesWritten >= 1_000_000);
});

test('CLI prints its port and serves', async () => {
  const server = fileURLToPath(new URL('../fake_provider/server.mjs', import.meta.url));
  const p = spawn(process.execPath, [server, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await within(5_000, new Promise((resolve) => createInterface({ input: p.stdout }).once('line', resolve)));
    const m = /^fake-provider listening port=(\d+)$/.exec(line);
    assert.ok(m, line);
    const r = await request(`http://127.0.0.1:${m[1]}/v1/models`, { method: 'GET' });
    assert.equal(r.json().object, 'list');
  } finally {
    p.kill('SIGTERM');
  }
});
