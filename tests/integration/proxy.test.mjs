// Pass-through proxying: routing of /{gateway}/{provider}/{native path}, byte-identical answers,
// header rules (credentials kept, hop-by-hop and x-parapet-* dropped, x-forwarded-for appended),
// provider errors passed on unchanged, and the gateway's own errors (404, 502, 504).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startGateway, startFakeProvider, rawRequest } from './lib/harness.mjs';
import { request, errorType } from './lib/util.mjs';

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    upstreams: {
      openai: `${fake.url}/v1`, anthropic: fake.url, 'google-ai-studio': fake.url,
      groq: `${fake.url}/v1`, echo: fake.url,
    },
  });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const json = { 'content-type': 'application/json' };
const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
const chatStream = JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
                                    messages: [{ role: 'user', content: 'Say hello' }] });
const claude = (stream) => JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, stream,
                                            messages: [{ role: 'user', content: 'Say hello' }] });
const gemini = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] });

// [name, gateway path, upstream path, method, body]
const routes = [
  ['openai chat', '/default/openai/chat/completions', '/v1/chat/completions', 'POST', chat],
  ['openai chat stream', '/default/openai/chat/completions', '/v1/chat/completions', 'POST', chatStream],
  ['openai responses', '/default/openai/responses', '/v1/responses', 'POST', JSON.stringify({ model: 'gpt-4o-mini', input: 'hi' })],
  ['openai responses stream', '/default/openai/responses', '/v1/responses', 'POST', JSON.stringify({ model: 'gpt-4o-mini', input: 'hi', stream: true })],
  ['openai models', '/default/openai/models', '/v1/models', 'GET', undefined],
  ['anthropic messages', '/default/anthropic/v1/messages', '/v1/messages', 'POST', claude(false)],
  ['anthropic messages stream', '/default/anthropic/v1/messages', '/v1/messages', 'POST', claude(true)],
  ['gemini generateContent', '/default/google-ai-studio/v1beta/models/gemini-2.0-flash:generateContent',
   '/v1beta/models/gemini-2.0-flash:generateContent', 'POST', gemini],
  ['gemini stream sse', '/default/google-ai-studio/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
   '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', 'POST', gemini],
  ['gemini stream json array', '/default/google-ai-studio/v1beta/models/gemini-2.0-flash:streamGenerateContent',
   '/v1beta/models/gemini-2.0-flash:streamGenerateContent', 'POST', gemini],
  ['groq chat', '/default/groq/chat/completions', '/v1/chat/completions', 'POST', chat],
];

// Headers that describe the connection or the moment, not the answer.
const perHop = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function assertSameAnswer(got, want) {
  assert.equal(got.status, want.status);
  assert.equal(got.text, want.text, 'body is byte-identical');
  for (const [name, value] of Object.entries(want.headers)) {
    if (!perHop.has(name)) assert.equal(got.headers[name], value, `header ${name} passed through`);
  }
}

for (const [name, path, upstreamPath, method, body] of routes) {
  test(`route: ${name}`, async () => {
    const opts = { method, headers: body ? json : {}, body };
    const want = await request(`${fake.url}${upstreamPath}`, opts);
    fake.requests.length = 0;
    const got = await request(`${gw.url}${path}`, opts);
    assert.equal(fake.requests.length, 1, 'forwarded once');
    assert.equal(fake.requests[0].url, upstreamPath);
    assert.equal(fake.requests[0].method, method);
    assert.equal(fake.requests[0].body, body ?? '');
    assert.equal(want.status, 200);
    assertSameAnswer(got, want);
  });
}

test('plain origin: path and query kept as sent', async () => {
  const r = await request(`${gw.url}/default/echo/a/b%20c/d?x=1&y=%20z&x=2&empty=`, { method: 'GET' });
  assert.equal(r.status, 200);
  const echo = r.json();
  assert.equal(echo.url, '/a/b%20c/d?x=1&y=%20z&x=2&empty=');
  assert.equal(echo.method, 'GET');
});

test('the upstream gets its own Host, not the gateway\'s', async () => {
  const echo = (await request(`${gw.url}/default/echo/host`, { method: 'GET' })).json();
  assert.equal(echo.headers.host, `127.0.0.1:${fake.port}`);
  await request(`${gw.url}/default/openai/models`, { method: 'GET' });
  assert.equal(fake.requests.at(-1).headers.host, `127.0.0.1:${fake.port}`);
});

test('unknown gateway or provider: 404 not_found, nothing forwarded', async () => {
  fake.requests.length = 0;
  for (const path of ['/nosuchgateway/openai/chat/completions', '/default/nosuchprovider/chat/completions', '/']) {
    const r = await request(`${gw.url}${path}`, { method: 'POST', headers: json, body: chat });
    assert.equal(r.status, 404, path);
    assert.equal(errorType(r.text), 'not_found', path);
    assert.match(r.headers['content-type'], /application\/json/);
  }
  assert.equal(fake.requests.length, 0);
});

test('client credentials pass through untouched', async () => {
  const creds = {
    authorization: 'Bearer sk-proj-AbC123_xyz-000',
    'x-api-key': 'sk-ant-api03-Zz9_yY8-xX7',
    'x-goog-api-key': 'AIzaSyA-test_Key-000',
    'api-key': '0123456789abcdef0123456789abcdef',
  };
  const r = await request(`${gw.url}/default/echo/creds`, { method: 'GET', headers: creds });
  const echo = r.json();
  for (const [k, v] of Object.entries(creds)) assert.equal(echo.headers[k], v, k);
});

test('hop-by-hop request headers are stripped, end-to-end ones kept', async () => {
  const r = await rawRequest(gw.port, [
    'GET /default/echo/hop HTTP/1.1',
    `Host: 127.0.0.1:${gw.port}`,
    'Connection: keep-alive, X-Hop-Custom',
    'Keep-Alive: timeout=5, max=100',
    'Proxy-Connection: keep-alive',
    'TE: trailers',
    'Trailer: X-Checksum',
    'Upgrade: example/1',
    'X-Hop-Custom: secret',
    'X-End-To-End: kept',
    '', ''].join('\r\n'));
  assert.equal(r.status, 200, r.text);
  const seen = JSON.parse(r.text).headers;
  assert.equal(seen['x-end-to-end'], 'kept');
  for (const name of ['x-hop-custom', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']) {
    assert.equal(seen[name], undefined, `${name} must not reach the upstream`);
  }
  assert.doesNotMatch(seen.connection ?? '', /x-hop-custom/i);
});

test('hop-by-hop response headers are not passed back', async () => {
  // With x-fake-hop-headers the fake answers "Connection: keep-alive, X-Fake-Hop",
  // "Keep-Alive: timeout=31" and "X-Fake-Hop: 1": all three describe the fake's own connection.
  const ask = (port, path) => rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nx-fake-hop-headers: 1\r\n\r\n`);
  const direct = await ask(fake.port, '/v1/models');
  assert.equal(direct.headers['x-fake-hop'], '1');
  assert.equal(direct.headers['keep-alive'], 'timeout=31');
  const r = await ask(gw.port, '/default/openai/models');
  assert.equal(r.status, 200);
  assert.equal(r.text, direct.text);
  assert.equal(r.headers['x-fake-hop'], undefined);
  assert.notEqual(r.headers['keep-alive'], 'timeout=31');
  assert.doesNotMatch(r.headers.connection ?? '', /x-fake-hop/i);
});

test('x-forwarded-for: client address appended', async () => {
  const a = (await request(`${gw.url}/default/echo/xff`, { method: 'GET' })).json();
  assert.equal(a.headers['x-forwarded-for'], '127.0.0.1');
  const b = (await request(`${gw.url}/default/echo/xff`, { method: 'GET', headers: { 'x-forwarded-for': '203.0.113.7' } })).json();
  assert.match(b.headers['x-forwarded-for'], /^203\.0\.113\.7, ?127\.0\.0\.1$/);
});

test('x-parapet-* request headers are not forwarded', async () => {
  const r = await request(`${gw.url}/default/echo/p`, {
    method: 'GET',
    headers: { 'x-parapet-metadata': '{"team":"qa"}', 'x-parapet-collect-log': 'true', 'X-Parapet-Whatever': '1', 'x-other': 'yes' },
  });
  const echo = r.json();
  assert.equal(echo.headers['x-other'], 'yes');
  const leaked = Object.keys(echo.headers).filter((k) => k.startsWith('x-parapet-'));
  assert.deepEqual(leaked, []);
});

test('provider errors pass through unchanged (429 with retry-after, 5xx)', async () => {
  const cases = [
    ['/v1/chat/completions', '/default/openai/chat/completions', chat, 429, '17'],
    ['/v1/messages', '/default/anthropic/v1/messages', claude(false), 429, '3'],
    ['/v1beta/models/gemini-2.0-flash:generateContent', '/default/google-ai-studio/v1beta/models/gemini-2.0-flash:generateContent', gemini, 503, undefined],
    ['/v1/messages', '/default/anthropic/v1/messages', claude(false), 529, undefined],
    ['/v1/chat/completions', '/default/openai/chat/completions', chat, 401, undefined],
  ];
  for (const [direct, via, body, status, retryAfter] of cases) {
    const headers = { ...json, 'x-fake-status': String(status) };
    if (retryAfter) headers['x-fake-retry-after'] = retryAfter;
    const want = await request(`${fake.url}${direct}`, { method: 'POST', headers, body });
    const got = await request(`${gw.url}${via}`, { method: 'POST', headers, body });
    assert.equal(want.status, status);
    if (retryAfter) assert.equal(got.headers['retry-after'], retryAfter);
    assertSameAnswer(got, want);
  }
});

async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test('upstream connection refused: 502 upstream_unreachable', async () => {
  const port = await closedPort();
  const g = await startGateway({ upstreams: { dead: `http://127.0.0.1:${port}`, openai: `http://127.0.0.1:${port}/v1` } });
  try {
    for (const path of ['/default/dead/x', '/default/openai/chat/completions']) {
      const r = await request(`${g.url}${path}`, { method: 'POST', headers: json, body: chat });
      assert.equal(r.status, 502, path);
      assert.equal(errorType(r.text), 'upstream_unreachable', path);
    }
  } finally {
    await g.stop();
  }
});

test('upstream slower than first_byte_timeout_ms: 504 upstream_timeout', async () => {
  const g = await startGateway({
    upstreams: { openai: `${fake.url}/v1` },
    config: '[upstream]\nfirst_byte_timeout_ms = 300\n',
  });
  try {
    const fast = await request(`${g.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body: chat });
    assert.equal(fast.status, 200, 'a prompt upstream is unaffected');
    const t0 = Date.now();
    const slow = await request(`${g.url}/default/openai/chat/completions`, {
      method: 'POST', headers: { ...json, 'x-fake-latency-ms': '3000' }, body: chat, timeoutMs: 5_000,
    });
    const elapsed = Date.now() - t0;
    assert.equal(slow.status, 504);
    assert.equal(errorType(slow.text), 'upstream_timeout');
    assert.ok(elapsed >= 250 && elapsed < 2_500, `answered after ${elapsed} ms`);
  } finally {
    await g.stop();
  }
});
