// Slow and greedy clients (docs/hardening.md, "Slow and greedy clients"): each attack runs for a
// few seconds with a few hundred sockets while a well-behaved client keeps making requests. The
// test asserts correctness only (every attack connection is ended by the gateway, with the status
// the limit promises; the good client is served throughout); its latency percentiles before and
// during each attack are printed as diagnostics, not asserted.
//
// Attackers connect from other loopback addresses (127.0.0.2...) than the good client
// (127.0.0.1), so max_connections_per_ip applies to them only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, startFakeProvider, RawConnection } from './lib/harness.mjs';
import { waitFor, request } from './lib/util.mjs';

const TIMEOUT_MS = 1000;
const PER_IP = 200;
const CONFIG = `[limits]
header_timeout_ms = ${TIMEOUT_MS}
body_timeout_ms = ${TIMEOUT_MS}
keepalive_timeout_ms = ${TIMEOUT_MS}
send_timeout_ms = ${TIMEOUT_MS}
max_connections_per_ip = ${PER_IP}
`;

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: { echo: fake.url, openai: `${fake.url}/v1` }, config: CONFIG });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

// One request on a new connection from 127.0.0.1; resolves {ms, status}.
async function goodRequest(port) {
  const t0 = performance.now();
  const conn = await RawConnection.connect(port);
  try {
    await conn.write('GET /default/echo/good HTTP/1.1\r\nHost: x\r\n\r\n');
    const r = await conn.readFinal({ timeoutMs: 10_000 });
    return { ms: performance.now() - t0, status: r?.status ?? 0 };
  } finally {
    conn.destroy();
  }
}

// The good client: requests one after the other until stop() is called.
function goodClient(port) {
  const results = [];
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        results.push(await goodRequest(port));
      } catch (err) {
        results.push({ ms: 0, status: 0, err: String(err) });
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return results;
    },
  };
}

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const summary = (rs) => {
  const ms = rs.filter((r) => r.status === 200).map((r) => r.ms);
  return { n: rs.length, ok: ms.length, p50: pct(ms, 50).toFixed(2), p99: pct(ms, 99).toFixed(2) };
};

// A socket from `localAddress` that records how it ends: the first status line seen, and when the
// gateway closed it.
function attacker(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    const a = { socket: s, data: '', closedAt: 0, opened: false };
    s.setEncoding('latin1');
    s.on('data', (d) => { if (a.data.length < 512) a.data += d; });
    s.on('error', () => {});
    s.on('close', () => { a.closedAt = performance.now(); });
    s.on('connect', () => { a.opened = true; resolve(a); });
    s.on('error', () => resolve(a));
  });
}
const statusOf = (a) => Number(/^HTTP\/1\.1 (\d{3})/.exec(a.data)?.[1] ?? 0);

async function measure(name, attack) {
  const base = goodClient(gw.port);
  await sleep(1000);
  const before = summary(await base.stop());
  const during = goodClient(gw.port);
  const outcome = await attack();
  const rs = await during.stop();
  const d = summary(rs);
  const line = `${name}: good client before p50 ${before.p50} ms p99 ${before.p99} ms (${before.n} req); ` +
               `during p50 ${d.p50} ms p99 ${d.p99} ms (${d.n} req, ${d.n - d.ok} not 200); ${outcome}`;
  console.log(line);
  return { rs, d };
}

const ips = (n, first) => Array.from({ length: n }, (_, i) => `127.0.0.${first + (i % 4)}`);

test('slowloris: a head sent one byte at a time is ended by header_timeout with 408', async () => {
  const N = 400;
  const { rs } = await measure('slowloris (400 sockets, 1 byte/300 ms)', async () => {
    const socks = await Promise.all(ips(N, 2).map((ip) => attacker(gw.port, ip)));
    for (const a of socks) a.socket.write('GET /default/echo/slow HTTP/1.1\r\nHost: x\r\n');
    const t0 = performance.now();
    while (performance.now() - t0 < 5_000 && socks.some((a) => !a.closedAt)) {
      for (const a of socks) if (!a.closedAt) a.socket.write('X');
      await sleep(300);
    }
    const closed = socks.filter((a) => a.closedAt).length;
    const s408 = socks.filter((a) => statusOf(a) === 408).length;
    for (const a of socks) a.socket.destroy();
    assert.equal(closed, N, 'every slow connection is closed by the gateway');
    assert.equal(s408, N, 'each gets 408');
    return `${s408}/${N} got 408 and were closed`;
  });
  assert.ok(rs.length > 0 && rs.every((r) => r.status === 200), 'the good client is served throughout');
});

test('slow body: a body sent one byte at a time is ended by body_timeout with 408', async () => {
  const N = 400;
  const { rs } = await measure('slow body (400 sockets, 1 byte/300 ms)', async () => {
    const socks = await Promise.all(ips(N, 2).map((ip) => attacker(gw.port, ip)));
    for (const a of socks) a.socket.write('POST /default/echo/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
    const t0 = performance.now();
    while (performance.now() - t0 < 5_000 && socks.some((a) => !a.closedAt)) {
      for (const a of socks) if (!a.closedAt) a.socket.write('a');
      await sleep(300);
    }
    const s408 = socks.filter((a) => statusOf(a) === 408 && a.closedAt).length;
    for (const a of socks) a.socket.destroy();
    assert.equal(s408, N, 'each gets 408 and is closed');
    assert.equal(fake.requests.filter((r) => r.url === '/slow').length, 0, 'nothing forwarded');
    return `${s408}/${N} got 408 and were closed`;
  });
  assert.ok(rs.length > 0 && rs.every((r) => r.status === 200), 'the good client is served throughout');
});

test('a client that never reads a stream is closed after send_timeout; the upstream is cancelled', async () => {
  const N = 20;
  fake.clear();
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const { rs } = await measure(`never-reading clients (${N} streams of 200 MB)`, async () => {
    const socks = await Promise.all(ips(N, 2).map((ip) => attacker(gw.port, ip)));
    try {
      for (const a of socks) {
        a.socket.once('data', () => a.socket.pause()); // the head, then read nothing more
        a.socket.write(`POST /default/openai/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
                       `x-fake-big-stream: 200000000\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
      await waitFor(() => socks.every((a) => a.data.startsWith('HTTP/1.1 200')), { timeoutMs: 15_000, what: 'answer heads' });
      const t0 = performance.now();
      await waitFor(() => fake.stats.aborted >= N, { timeoutMs: 15_000, what: 'every big stream cancelled' });
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      const mb = (fake.stats.bigStreamBytesWritten / N / 2 ** 20).toFixed(1);
      return `all ${N} closed by the gateway (upstream cancelled) ${secs} s after every head; ` +
             `${mb} MB written upstream per stream before the buffers filled`;
    } finally {
      for (const a of socks) a.socket.destroy();
    }
  });
  assert.ok(rs.length > 0 && rs.every((r) => r.status === 200), 'the good client is served throughout');
});

test('idle connections are closed after keepalive_timeout', async () => {
  const N = 600;
  const { rs } = await measure('idle connections (600, no request)', async () => {
    const socks = await Promise.all(ips(N, 2).map((ip) => attacker(gw.port, ip)));
    const opened = socks.filter((a) => a.opened).length;
    await waitFor(() => socks.every((a) => a.closedAt), { timeoutMs: 5_000, what: 'idle connections closed' });
    for (const a of socks) a.socket.destroy();
    return `${opened}/${N} opened, all closed by the gateway`;
  });
  assert.ok(rs.length > 0 && rs.every((r) => r.status === 200), 'the good client is served throughout');
});

test('max_connections_per_ip: one address cannot hold more; beyond it 503 at once', async () => {
  const N = 500;
  const { rs } = await measure(`one address opens ${N} connections (limit ${PER_IP})`, async () => {
    const socks = await Promise.all(Array.from({ length: N }, () => attacker(gw.port, '127.0.0.9')));
    await waitFor(() => socks.filter((a) => statusOf(a) === 503 && a.closedAt).length >= N - PER_IP,
                  { timeoutMs: 5_000, what: '503 for connections over the limit' });
    const refused = socks.filter((a) => statusOf(a) === 503).length;
    await waitFor(() => socks.every((a) => a.closedAt), { timeoutMs: 5_000, what: 'the rest closed when idle' });
    for (const a of socks) a.socket.destroy();
    assert.equal(refused, N - PER_IP, 'exactly the connections over the limit are refused');
    return `${refused} refused with 503, ${N - refused} held until the idle timeout`;
  });
  assert.ok(rs.length > 0 && rs.every((r) => r.status === 200), 'the good client is served throughout');
  const m = (await request(`${gw.adminUrl}/metrics`, { method: 'GET' })).text;
  assert.match(m, new RegExp(`parapet_connections_refused_total\\{limit="max_connections_per_ip"\\} ${N - PER_IP}`));
});

test('max_connections: past the global cap new connections get 503; served again after', async () => {
  const CAP = 300;
  const gw2 = await startGateway({ upstreams: { echo: fake.url }, config: `[limits]\nmax_connections = ${CAP}\nkeepalive_timeout_ms = 3000\n` });
  try {
    const N = 400;
    const socks = await Promise.all(ips(N, 2).map((ip) => attacker(gw2.port, ip)));
    await waitFor(() => socks.filter((a) => statusOf(a) === 503).length >= N - CAP,
                  { timeoutMs: 5_000, what: '503 past the cap' });
    const during = await goodRequest(gw2.port);
    const refused = socks.filter((a) => statusOf(a) === 503).length;
    await waitFor(() => socks.every((a) => a.closedAt), { timeoutMs: 5_000, what: 'held connections closed when idle' });
    for (const a of socks) a.socket.destroy();
    const afterwards = await goodRequest(gw2.port);
    console.log(`global cap ${CAP}: ${N} attack connections, ${refused} refused with 503; a good request while full: ${during.status}; after the idle timeout: ${afterwards.status} in ${afterwards.ms.toFixed(2)} ms`);
    assert.equal(refused, N - CAP);
    assert.equal(during.status, 503, 'a new connection while the cap is reached is refused, not queued');
    assert.equal(afterwards.status, 200);
  } finally {
    await gw2.stop();
  }
});
