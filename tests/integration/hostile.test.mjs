// The hostile request table (tests/hostile/requests.mjs) against the real gateway: each row's raw
// bytes on a fresh connection, then its status, whether the connection was closed, whether the
// request reached the upstream, and that the gateway still answers a plain request afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeProvider, RawConnection, rawRequest } from './lib/harness.mjs';
import { rows, GATEWAY_CONFIG } from '../hostile/requests.mjs';

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: { echo: fake.url, openai: `${fake.url}/v1` }, config: GATEWAY_CONFIG });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

test('row names are unique', () => {
  const names = rows.map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
});

for (const row of rows) {
  test(`hostile ${row.name}`, async () => {
    fake.requests.length = 0;
    const conn = await RawConnection.connect(gw.port);
    try {
      await conn.write(Buffer.from(row.raw, 'latin1')).catch(() => {});
      const answers = [];
      const count = row.count ?? 1;
      for (let i = 0; i < count; i++) {
        const r = await conn.readFinal({ timeoutMs: 4_000 });
        if (!r) break;
        answers.push(r);
      }
      assert.equal(answers.length, count, `answers: ${answers.map((a) => a.status)}`);
      const first = answers[0];
      assert.equal(first.status, row.status, `${row.name}: ${first.text.slice(0, 300)}`);
      assert.deepEqual(first.interim.map((i) => i.status), row.interim ?? []);
      if (first.status >= 400 && first.status !== 404) {
        const v = JSON.parse(first.text);
        assert.equal(typeof v.error.message, 'string');
      }
      if (row.close) {
        assert.equal(await conn.waitClosed(2_000), true, 'the gateway closes the connection');
        assert.equal(conn.buf.length, 0, `nothing after the answer: ${conn.buf.toString('latin1').slice(0, 200)}`);
      } else {
        assert.equal(await conn.waitClosed(150), false, 'the connection stays open');
      }
      const forwarded = row.forwarded ?? row.status < 400;
      if (forwarded) assert.ok(fake.requests.length >= 1, 'forwarded upstream');
      else assert.equal(fake.requests.length, 0, 'nothing forwarded upstream');
    } finally {
      conn.destroy();
    }
    const alive = await rawRequest(gw.port, 'GET /default/echo/alive HTTP/1.1\r\nHost: x\r\n\r\n', { closeWaitMs: 1 });
    assert.equal(alive.status, 200, 'the gateway still serves');
  });
}
