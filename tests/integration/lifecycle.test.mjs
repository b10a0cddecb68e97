// Process life: admin endpoints, SIGHUP reloads the config file, SIGTERM drains (stops accepting,
// lets in-flight streams finish, exits 0).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startGateway, startFakeProvider, upstreamsToml, RawConnection } from './lib/harness.mjs';
import { request, streamRequest, waitFor, within, fakeRelease } from './lib/util.mjs';

const cleanup = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});
async function fakeProvider() {
  const f = await startFakeProvider();
  cleanup.push(() => f.close());
  return f;
}
async function gateway(opts) {
  const g = await startGateway(opts);
  cleanup.push(() => g.stop('SIGKILL'));
  return g;
}

test('admin: healthz, readyz, version', async () => {
  const gw = await gateway({});
  assert.equal((await request(`${gw.adminUrl}/healthz`, { method: 'GET' })).status, 200);
  assert.equal((await request(`${gw.adminUrl}/readyz`, { method: 'GET' })).status, 200);
  const v = await request(`${gw.adminUrl}/version`, { method: 'GET' });
  assert.equal(v.status, 200);
  assert.equal(typeof v.json().version, 'string');
  assert.notEqual(gw.adminUrl, gw.url, 'admin is its own listener');
});

test('SIGHUP reloads the config file: upstream base changes without restart', async () => {
  const a = await fakeProvider();
  const b = await fakeProvider();
  const gw = await gateway({ config: upstreamsToml({ echo: a.url }) });
  const r1 = await request(`${gw.url}/default/echo/before`, { method: 'GET' });
  assert.equal(r1.status, 200);
  assert.equal(a.requests.at(-1)?.url, '/before');

  gw.writeConfig(upstreamsToml({ echo: b.url }));
  gw.proc.kill('SIGHUP');
  // The reload is asynchronous to the signal: poll until a request lands on the new upstream.
  await waitFor(async () => {
    await request(`${gw.url}/default/echo/after`, { method: 'GET' });
    return b.requests.some((r) => r.url === '/after');
  }, { timeoutMs: 5_000, intervalMs: 50, what: 'requests to reach the new upstream' });
  const before = a.requests.length;
  for (let i = 0; i < 5; i++) {
    assert.equal((await request(`${gw.url}/default/echo/steady`, { method: 'GET' })).status, 200);
  }
  assert.equal(a.requests.length, before, 'the old upstream gets nothing after the reload');
  assert.equal(gw.proc.exitCode, null, 'same process, still running');
});

function connectOutcome(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (err) => resolve(err.code));
  });
}

test('SIGTERM: stop accepting, finish the held stream, exit 0', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { openai: `${fake.url}/v1` } });
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
  const want = (await request(`${fake.url}/v1/chat/completions`, { method: 'POST', body })).text;
  const r = await streamRequest(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-fake-hold': 'drain' }, body,
  });
  try {
    await r.waitForText('\n\n');
    gw.proc.kill('SIGTERM');
    await waitFor(async () => (await connectOutcome(gw.port)) === 'ECONNREFUSED',
                  { timeoutMs: 5_000, intervalMs: 50, what: 'the data port to refuse new connections' });
    const ready = await request(`${gw.adminUrl}/readyz`, { method: 'GET' });
    assert.equal(ready.status, 503, 'not ready while draining');
    assert.equal(gw.proc.exitCode, null, 'still running while a stream is in flight');
  } finally {
    await fakeRelease(fake, 'drain');
  }
  assert.equal(await within(5_000, r.done, 'the held stream'), want);
  assert.equal(r.ended, true);
  const { code, signal } = await within(5_000, gw.exited, 'gateway exit');
  assert.equal(signal, null);
  assert.equal(code, 0);
});

test('SIGTERM with only an idle keep-alive connection: exits 0 promptly', async () => {
  const fake = await fakeProvider();
  const gw = await gateway({ upstreams: { echo: fake.url } });
  const conn = await RawConnection.connect(gw.port);
  try {
    await conn.write('GET /default/echo/idle HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await conn.readFinal()).status, 200);
    gw.proc.kill('SIGTERM');
    const { code, signal } = await within(5_000, gw.exited, 'gateway exit with an idle client connection');
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    assert.equal(await conn.waitClosed(2_000), true, 'the idle connection is closed');
  } finally {
    conn.destroy();
  }
});
