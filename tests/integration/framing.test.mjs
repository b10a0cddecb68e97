// HTTP/1.1 framing on the client side, over raw sockets: ambiguous framing is refused (400 and
// the connection closed, nothing forwarded: the request-smuggling shapes), chunked bodies and
// 100-continue work, oversized bodies get 413, keep-alive and pipelining keep order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeProvider, rawRequest, RawConnection } from './lib/harness.mjs';

const LIMIT = 65_536;
let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: { echo: fake.url }, config: `[limits]\nmax_body_bytes = ${LIMIT}\n` });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const head = (lines) => [...lines, '', ''].join('\r\n');
const echoOf = (r) => JSON.parse(r.text);

function assertJsonError(r) {
  const v = JSON.parse(r.text);
  assert.equal(typeof v.error.type, 'string');
  assert.equal(typeof v.error.message, 'string');
}

const refused = [
  ['Content-Length with Transfer-Encoding', head([
    'POST /default/echo/smuggle HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Transfer-Encoding: chunked',
  ]) + '5\r\nhello\r\n0\r\n\r\n'],
  ['two different Content-Lengths', head([
    'POST /default/echo/smuggle HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Content-Length: 6',
  ]) + 'hello!'],
  ['two equal Content-Lengths', head([
    'POST /default/echo/smuggle HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Content-Length: 5',
  ]) + 'hello'],
  ['Transfer-Encoding gzip', head([
    'POST /default/echo/smuggle HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip',
  ]) + 'hello'],
];

for (const [name, bytes] of refused) {
  test(`${name}: 400, connection closed, nothing forwarded`, async () => {
    fake.requests.length = 0;
    const r = await rawRequest(gw.port, bytes, { closeWaitMs: 2_000 });
    assert.equal(r.status, 400, r.text);
    assertJsonError(r);
    assert.equal(r.closed, true, 'the gateway closes the connection');
    assert.equal(fake.requests.length, 0);
  });
}

test('chunked request body is accepted and forwarded with the same content', async () => {
  const parts = ['{"model":', '"gpt-4o-mini",', '"input":"', 'x'.repeat(3000), '"}'];
  const body = parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n';
  const r = await rawRequest(gw.port, head([
    'POST /default/echo/chunked HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Transfer-Encoding: chunked',
  ]) + body);
  assert.equal(r.status, 200, r.text);
  assert.equal(echoOf(r).body, parts.join(''));
});

test('Expect: 100-continue gets 100 Continue before the final answer', async () => {
  const conn = await RawConnection.connect(gw.port);
  try {
    await conn.write(head([
      'POST /default/echo/continue HTTP/1.1', 'Host: x', 'Content-Length: 11', 'Expect: 100-continue',
    ]));
    // The body is sent only once the gateway says continue, as curl and browsers do.
    await conn.waitForText('HTTP/1.1 100', 3_000);
    await conn.write('hello world');
    const r = await conn.readFinal();
    assert.equal(r.interim[0]?.status, 100);
    assert.equal(r.status, 200);
    assert.equal(echoOf(r).body, 'hello world');
  } finally {
    conn.destroy();
  }
});

test('a body within max_body_bytes passes, one over it gets 413', async () => {
  const ok = 'a'.repeat(LIMIT - 10);
  const r1 = await rawRequest(gw.port, head(['POST /default/echo/big HTTP/1.1', 'Host: x', `Content-Length: ${ok.length}`]) + ok);
  assert.equal(r1.status, 200);
  assert.equal(echoOf(r1).body.length, ok.length);

  fake.requests.length = 0;
  const big = 'b'.repeat(LIMIT * 2);
  const conn = await RawConnection.connect(gw.port);
  try {
    await conn.write(head(['POST /default/echo/big HTTP/1.1', 'Host: x', `Content-Length: ${big.length}`]));
    // A gateway may answer from the header alone; if it waits for the body, send it.
    let r = await conn.readFinal({ timeoutMs: 1_000 }).catch(() => undefined);
    if (r === undefined) {
      await conn.write(big).catch(() => {});
      r = await conn.readFinal({ timeoutMs: 5_000 });
    }
    assert.equal(r?.status, 413, r?.text);
    assertJsonError(r);
  } finally {
    conn.destroy();
  }
  assert.equal(fake.requests.length, 0, 'nothing forwarded');
});

test('keep-alive: two requests, one after the other, on one connection', async () => {
  const conn = await RawConnection.connect(gw.port);
  try {
    for (const n of [1, 2]) {
      await conn.write(head([`GET /default/echo/ka/${n} HTTP/1.1`, 'Host: x']));
      const r = await conn.readFinal();
      assert.equal(r.status, 200);
      assert.equal(echoOf(r).path, `/ka/${n}`);
      assert.equal(conn.eof, false, 'still open');
    }
  } finally {
    conn.destroy();
  }
});

test('pipelined requests are answered in order', async () => {
  const reqs = [1, 2, 3].map((n) =>
    n === 2
      ? head([`POST /default/echo/pipe/${n} HTTP/1.1`, 'Host: x', 'Content-Length: 4']) + 'body'
      : head([`GET /default/echo/pipe/${n} HTTP/1.1`, 'Host: x']));
  const r = await rawRequest(gw.port, reqs.join(''), { count: 3, timeoutMs: 5_000 });
  assert.equal(r.responses.length, 3);
  assert.deepEqual(r.responses.map((x) => x.status), [200, 200, 200]);
  assert.deepEqual(r.responses.map((x) => echoOf(x).path), ['/pipe/1', '/pipe/2', '/pipe/3']);
  assert.equal(echoOf(r.responses[1]).body, 'body');
});
