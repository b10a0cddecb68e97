// Slow and greedy clients and upstreams that fail before answering: each gets a precise status
// and nobody else is held up.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeProvider, rawRequest, RawConnection } from './lib/harness.mjs';
import { request, errorType } from './lib/util.mjs';

const cleanup = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});
async function fakeProvider() {
  const f = await startFakeProvider();
  cleanup.push(() => f.close());
  return f;
}
async function gateway(opts) {
  const g = await startGateway(opts);
  cleanup.push(() => g.stop());
  return g;
}

test('a client that stops mid-head gets 408 while others are served', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { echo: fake.url }, config: '[limits]\nheader_timeout_ms = 300\n' });
  const slow = await RawConnection.connect(gw.port);
  try {
    await slow.write('GET /default/echo/slow HTTP/1.1\r\nHost: x\r\n');  // head never finished
    const r = await request(`${gw.url}/default/echo/other`, { method: 'GET' });
    assert.equal(r.status, 200);
    const late = await slow.readFinal({ timeoutMs: 5_000 });
    assert.equal(late.status, 408);
    assert.equal(errorType(late.text), 'request_timeout');
    await slow.waitClosed(2_000);
  } finally {
    slow.destroy();
  }
});

test('a client that stops mid-body gets 408', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { echo: fake.url }, config: '[limits]\nbody_timeout_ms = 300\n' });
  const slow = await RawConnection.connect(gw.port);
  try {
    await slow.write('POST /default/echo/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part');
    const late = await slow.readFinal({ timeoutMs: 5_000 });
    assert.equal(late.status, 408);
  } finally {
    slow.destroy();
  }
  assert.equal(fake.requests.length, 0, 'nothing forwarded');
});

test('past max_connections a new connection gets 503 overloaded', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { echo: fake.url }, config: '[limits]\nmax_connections = 2\n' });
  const held = [await RawConnection.connect(gw.port), await RawConnection.connect(gw.port)];
  try {
    // Make sure both are accepted before the third arrives.
    for (const c of held) {
      await c.write('GET /default/echo/hold HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal((await c.readFinal()).status, 200);
    }
    const r = await rawRequest(gw.port, 'GET /default/echo/x HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(r.status, 503);
    assert.equal(errorType(r.text), 'overloaded');
  } finally {
    for (const c of held) c.destroy();
  }
});

test('upstream resets before answering: 502 upstream_unreachable', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { openai: `${fake.url}/v1` } });
  const r = await request(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-reset': 'before-head' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(r.status, 502);
  assert.equal(errorType(r.text), 'upstream_unreachable');
});

test('every answer carries an x-parapet-log-id, errors included', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { echo: fake.url } });
  const ok = await request(`${gw.url}/default/echo/a`, { method: 'GET' });
  const missing = await request(`${gw.url}/default/nope/a`, { method: 'GET' });
  for (const r of [ok, missing]) assert.match(r.headers['x-parapet-log-id'], /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.notEqual(ok.headers['x-parapet-log-id'], missing.headers['x-parapet-log-id']);
});
