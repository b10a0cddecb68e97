// The hostile HTTP table (tests/hostile/requests.mjs, docs/hardening.md): every row over a bare
// socket; the status, whether the connection closed, and whether anything reached the upstream.
// Then what no row may do: a request pipelined behind a refused one is never processed, and bodies
// that are hostile to JSON readers (deep nesting, invalid UTF-8) crash nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeProvider, rawRequest } from './lib/harness.mjs';
import { request } from './lib/util.mjs';
import { rows } from '../hostile/requests.mjs';

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    upstreams: { echo: fake.url, openai: `${fake.url}/v1` },
    config: '[limits]\nmax_body_bytes = 65536\nmax_header_bytes = 65536\nmax_uri_bytes = 8192\n',
  });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

for (const row of rows) {
  test(`hostile: ${row.name} → ${row.status}${row.close ? ' + close' : ''} (${row.ref})`, async () => {
    fake.requests.length = 0;
    const r = await rawRequest(gw.port, Buffer.from(row.raw, 'latin1'), { timeoutMs: 3000, closeWaitMs: 500 });
    assert.equal(r.status, row.status, `status for ${row.name}: ${r.text.slice(0, 200)}`);
    assert.equal(r.closed, row.close, `connection ${row.close ? 'must' : 'must not'} close`);
    if (row.status >= 400 && r.text) {
      const v = JSON.parse(r.text);
      assert.equal(typeof v.error.type, 'string');
    }
    assert.equal(fake.requests.length > 0, row.forwarded === true, 'forwarded upstream?');
  });
}

test('a request pipelined behind a refused one is never processed', async () => {
  fake.requests.length = 0;
  const smuggled = `GET /default/echo/second HTTP/1.1\r\nHost: x\r\n\r\n`;
  const r = await rawRequest(gw.port, Buffer.from(
    `POST /default/echo/first HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`, 'latin1'),
  { count: 2, timeoutMs: 2000, closeWaitMs: 500 });
  assert.equal(r.status, 400);
  assert.equal(r.responses.length, 1, 'one answer, then the close');
  assert.equal(r.closed, true);
  assert.equal(fake.requests.length, 0, 'neither request reached the upstream');
});

test('deeply nested JSON and invalid UTF-8 in a prompt crash nothing', async () => {
  const deep = '{"model":"gpt-4o-mini","messages":' + '['.repeat(30000) + ']'.repeat(30000) + '}';
  const a = await request(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: deep,
  });
  assert.ok(a.status === 200 || a.status === 400, `answered ${a.status}`);
  const bad = Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from('"}]}')]);
  const b = await request(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: bad,
  });
  assert.ok(b.status < 500, `answered ${b.status}`);
  const ok = await request(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(ok.status, 200, 'the gateway still serves');
});
