// Streaming: events are forwarded as they arrive (never buffered whole), an upstream that dies
// mid-stream ends in an SSE error event, a client that leaves cancels the upstream request, and a
// client that stops reading stops the upstream (bounded memory).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, startFakeProvider } from './lib/harness.mjs';
import { request, streamRequest, waitFor, within, fakeRelease } from './lib/util.mjs';

let fake;
let gw;
let gwGemini;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: { openai: `${fake.url}/v1`, anthropic: fake.url } });
  gwGemini = await startGateway({ upstreams: { 'google-ai-studio': fake.url } });
});
after(async () => {
  await gw?.stop();
  await gwGemini?.stop();
  await fake?.close();
});

const json = { 'content-type': 'application/json' };
const streams = {
  openai: {
    direct: '/v1/chat/completions', via: '/default/openai/chat/completions',
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Say hello' }] }),
  },
  anthropic: {
    direct: '/v1/messages', via: '/default/anthropic/v1/messages',
    body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello' }] }),
  },
};
const events = (text) => text.split('\n\n').filter(Boolean).map((e) => `${e}\n\n`);

for (const [name, s] of Object.entries(streams)) {
  test(`${name}: first event reaches the client while the upstream holds the rest`, async () => {
    const want = (await request(`${fake.url}${s.direct}`, { method: 'POST', headers: json, body: s.body })).text;
    const first = events(want)[0];
    const id = `hold-${name}`;
    const r = await streamRequest(`${gw.url}${s.via}`, { method: 'POST', headers: { ...json, 'x-fake-hold': id }, body: s.body });
    try {
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type'], /^text\/event-stream/);
      await r.waitForText(first, 5_000);
      assert.equal(r.text(), first, 'only the first event so far');
      assert.equal(r.ended, false);
    } finally {
      await fakeRelease(fake, id);
    }
    assert.equal(await within(5_000, r.done, 'rest of the stream'), want);
    assert.equal(r.ended, true);
  });

  test(`${name}: upstream reset mid-stream ends with an SSE error event`, async () => {
    const want = events((await request(`${fake.url}${s.direct}`, { method: 'POST', headers: json, body: s.body })).text);
    const r = await streamRequest(`${gw.url}${s.via}`, { method: 'POST', headers: { ...json, 'x-fake-reset': 'mid-stream' }, body: s.body });
    assert.equal(r.status, 200);
    const text = await within(5_000, r.done, 'the cut stream');
    assert.equal(r.ended, true, 'the stream is properly terminated, not cut');
    const got = events(text);
    assert.deepEqual(got.slice(0, 2), want.slice(0, 2), 'events received before the reset are delivered');
    assert.equal(got.length, 3, `two events then the error event:\n${text}`);
    const m = /^event: error\ndata: (.*)\n\n$/.exec(got[2]);
    assert.ok(m, `error event, got ${JSON.stringify(got[2])}`);
    const err = JSON.parse(m[1]);
    assert.equal(err.type, 'error');
    assert.equal(err.error.type, 'upstream_reset');
    assert.equal(typeof err.error.message, 'string');
  });
}

// Gemini's default stream is a chunked JSON array, not SSE: still forwarded piece by piece.
const geminiArray = {
  direct: '/v1beta/models/gemini-2.0-flash:streamGenerateContent',
  via: '/default/google-ai-studio/v1beta/models/gemini-2.0-flash:streamGenerateContent',
  body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] }),
};

test('gemini JSON-array stream: first element reaches the client while the upstream holds the rest', async () => {
  const want = (await request(`${fake.url}${geminiArray.direct}`, { method: 'POST', headers: json, body: geminiArray.body })).text;
  const first = want.slice(0, want.indexOf('\n,\r\n'));
  const r = await streamRequest(`${gwGemini.url}${geminiArray.via}`, {
    method: 'POST', headers: { ...json, 'x-fake-hold': 'hold-gemini' }, body: geminiArray.body,
  });
  try {
    assert.equal(r.status, 200);
    await r.waitForText(first, 5_000);
    assert.equal(r.text(), first);
  } finally {
    await fakeRelease(fake, 'hold-gemini');
  }
  assert.equal(await within(5_000, r.done, 'rest of the stream'), want);
});

// Beyond the SSE rule in the contract: a chunked answer that is not SSE has no in-band way to say
// "error", so a cut upstream must reach the client as a cut (no clean end), never as a complete
// but truncated body.
test('gemini JSON-array stream: upstream reset mid-stream is not passed off as a clean end', async () => {
  const r = await streamRequest(`${gwGemini.url}${geminiArray.via}`, {
    method: 'POST', headers: { ...json, 'x-fake-reset': 'mid-stream' }, body: geminiArray.body,
  });
  const text = await within(5_000, r.done, 'the cut stream');
  assert.equal(r.ended, false, `a truncated body ended cleanly: ${JSON.stringify(text)}`);
});

test('client disconnect mid-stream closes the upstream request', async () => {
  fake.clear();
  const s = streams.openai;
  const r = await streamRequest(`${gw.url}${s.via}`, { method: 'POST', headers: { ...json, 'x-fake-hold': 'leave' }, body: s.body });
  try {
    await r.waitForText('\n\n', 5_000);
    assert.equal(fake.stats.aborted, 0);
    r.destroy();
    await waitFor(() => fake.stats.aborted === 1, { timeoutMs: 5_000, what: 'the fake to see its client go away' });
  } finally {
    await fakeRelease(fake, 'leave');
  }
});

const rssBytes = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

test('backpressure: a client that stops reading stops the upstream, memory stays bounded', async (t) => {
  fake.clear();
  const MB = 1024 * 1024;
  const rss0 = rssBytes(gw.proc.pid);
  const socket = net.connect(gw.port, '127.0.0.1');
  socket.on('error', () => {});
  try {
    await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    socket.write(`POST /default/openai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
                 `x-fake-big-stream: 200000000\r\ncontent-length: ${streams.openai.body.length}\r\n\r\n${streams.openai.body}`);
    const head = await within(5_000, new Promise((resolve) => socket.once('data', resolve)), 'the answer head');
    socket.pause(); // read nothing more: the kernel buffers fill, then the gateway must stop reading
    assert.match(head.toString('latin1'), /^HTTP\/1\.1 200/);

    // Wait until the fake's writes stop growing (stable for 1 s), at most 30 s.
    let last = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const now = fake.stats.bigStreamBytesWritten;
      if (now !== last) { last = now; stableSince = Date.now(); }
      else if (Date.now() - stableSince >= 1_000) break;
      await sleep(100);
    }
    const written = fake.stats.bigStreamBytesWritten;
    const grown = rssBytes(gw.proc.pid) - rss0;
    t.diagnostic(`upstream wrote ${(written / MB).toFixed(1)} MB; gateway RSS grew ${(grown / MB).toFixed(1)} MB`);
    assert.ok(written < 50 * MB, `the upstream wrote ${(written / MB).toFixed(1)} MB to a client that reads nothing`);
    assert.ok(grown <= 64 * MB, `gateway RSS grew by ${(grown / MB).toFixed(1)} MB`);
  } finally {
    socket.destroy();
  }
  await waitFor(() => fake.stats.aborted === 1, { timeoutMs: 5_000, what: 'the big stream to be cancelled' });
});
