// The response cache through the real binary (docs/cache.md): the fake provider's request log
// proves a HIT never reaches it; records, /admin/cache, the CLI and /metrics agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { request, postJson, waitFor } from './lib/util.mjs';

const CONFIG = `
[gateways.default]
[gateways.cached]
cache_ttl = 60
[gateways.shared]
cache_ttl = 60
cache_partition = "shared"
[cache]
memory_bytes = 8388608
`;

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    config: CONFIG,
    upstreams: { openai: `${fake.url}/v1`, anthropic: fake.url },
  });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const chat = (content, extra = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const auth = (k = 'sk-test-a') => ({ authorization: `Bearer ${k}` });
const url = (gateway, path = '/openai/chat/completions') => `${gw.url}/${gateway}${path}`;
const upstreamCalls = () => fake.requests.length;
const cacheStats = async () => (await request(`${gw.adminUrl}/admin/cache`, { method: 'GET' })).json();
const record = (id) =>
  waitFor(async () => {
    const r = await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' });
    return r.status === 200 && r.json();
  }, { what: `record ${id}` });

test('a repeated request is answered from the cache: same bytes, HIT, upstream not called', async () => {
  fake.clear();
  const body = chat('repeat me');
  const first = await postJson(url('cached'), body, auth());
  assert.equal(first.status, 200);
  assert.equal(first.headers['x-parapet-cache-status'], 'MISS');
  const second = await postJson(url('cached'), body, auth());
  assert.equal(second.status, 200);
  assert.equal(second.headers['x-parapet-cache-status'], 'HIT');
  assert.equal(second.text, first.text);
  assert.equal(second.headers['content-type'], first.headers['content-type']);
  assert.equal(second.headers['x-request-id'], first.headers['x-request-id']);
  assert.ok(Number(second.headers.age) >= 0);
  assert.equal(second.headers['set-cookie'], undefined);
  assert.equal(upstreamCalls(), 1, 'the HIT never reached the provider');

  // Key order and whitespace do not split the cache.
  const reordered = `{ "messages": [ {"content": "repeat me", "role": "user"} ],\n "model": "gpt-4o-mini" }`;
  const third = await request(url('cached'), { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: reordered });
  assert.equal(third.headers['x-parapet-cache-status'], 'HIT');
  assert.equal(upstreamCalls(), 1);

  // The HIT is logged with the original's tokens, cost 0 and what it would have cost.
  const miss = await record(first.headers['x-parapet-log-id']);
  const hit = await record(second.headers['x-parapet-log-id']);
  assert.equal(miss.cache_status, 'MISS');
  assert.equal(hit.cache_status, 'HIT');
  assert.ok(miss.cost_micros > 0);
  assert.equal(hit.cost_micros, 0);
  assert.equal(hit.saved_micros, miss.cost_micros);
  assert.equal(hit.tokens_input, miss.tokens_input);
  assert.equal(hit.tokens_output, miss.tokens_output);
  assert.equal(hit.model_answered, miss.model_answered);
  assert.equal(hit.attempts, 0);
  assert.equal(hit.status, 200);
});

test('a gateway without cache_ttl does not cache unless the request asks (x-parapet-cache-ttl)', async () => {
  fake.clear();
  const body = chat('no cache here');
  const a = await postJson(url('default'), body, auth());
  const b = await postJson(url('default'), body, auth());
  assert.equal(a.headers['x-parapet-cache-status'], undefined);
  assert.equal(b.headers['x-parapet-cache-status'], undefined);
  assert.equal(upstreamCalls(), 2);
  const c = await postJson(url('default'), body, { ...auth(), 'x-parapet-cache-ttl': '60' });
  const d = await postJson(url('default'), body, { ...auth(), 'x-parapet-cache-ttl': '60' });
  assert.equal(c.headers['x-parapet-cache-status'], 'MISS');
  assert.equal(d.headers['x-parapet-cache-status'], 'HIT');
  // Cloudflare's alias works the same.
  const e = await postJson(url('default'), body, { ...auth(), 'cf-aig-cache-ttl': '60' });
  assert.equal(e.headers['x-parapet-cache-status'], 'HIT');
  assert.equal(upstreamCalls(), 3);
});

test('a streamed answer is stored and replayed as SSE the openai SDK parses to the same text', async () => {
  fake.clear();
  const client = new OpenAI({ apiKey: 'sk-test-stream', baseURL: `${gw.url}/cached/openai`, maxRetries: 0, timeout: 10_000 });
  const run = async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stream it' }], stream: true })
      .withResponse();
    let text = '';
    const chunks = [];
    for await (const chunk of data) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    return { text, chunks, status: response.headers.get('x-parapet-cache-status'), type: response.headers.get('content-type'), id: response.headers.get('x-parapet-log-id') };
  };
  const first = await run();
  const second = await run();
  assert.equal(first.status, 'MISS');
  assert.equal(second.status, 'HIT');
  assert.ok(first.text.length > 0);
  assert.equal(second.text, first.text);
  assert.deepStrictEqual(second.chunks, first.chunks);
  assert.match(second.type, /^text\/event-stream/);
  assert.equal(upstreamCalls(), 1);
  const hit = await record(second.id);
  assert.equal(hit.stream, true);
  assert.ok(hit.tokens_output > 0, 'a replayed stream is logged with the original tokens');
});

test('identical concurrent requests are coalesced into one upstream request', async () => {
  fake.clear();
  const before = (await cacheStats()).coalesced;
  const body = chat('coalesce me');
  const n = 6;
  const answers = await Promise.all(
    Array.from({ length: n }, () => postJson(url('cached'), body, { ...auth(), 'x-fake-latency-ms': '400' })));
  assert.equal(upstreamCalls(), 1, 'one upstream request for all of them');
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.equal(a.text, answers[0].text);
  }
  const statuses = answers.map((a) => a.headers['x-parapet-cache-status']).sort();
  assert.deepStrictEqual(statuses, ['HIT', 'HIT', 'HIT', 'HIT', 'HIT', 'MISS']);
  assert.equal((await cacheStats()).coalesced - before, n - 1);
});

test('waiters go upstream themselves when the leader answer is not cacheable', async () => {
  fake.clear();
  const body = chat('leader fails');
  const answers = await Promise.all(
    Array.from({ length: 3 }, () => postJson(url('cached'), body, { ...auth(), 'x-fake-latency-ms': '300', 'x-fake-status': '500' })));
  for (const a of answers) {
    assert.equal(a.status, 500);
    assert.equal(a.headers['x-parapet-cache-status'], 'MISS');
  }
  assert.equal(upstreamCalls(), 3);
});

test('an answer too big for the memory tier is kept on disk and still replayed whole', async () => {
  fake.clear();
  // [cache] memory_bytes = 8 MiB: entries over 1 MiB skip memory. The leader waits for the disk
  // write before waking anyone, so a waiter (and the next request) finds it.
  const body = chat('big one', { stream: true });
  const h = { ...auth(), 'x-fake-big-stream': String(3 << 20) };
  const before = (await cacheStats()).memory.entries;
  const [a, b] = await Promise.all([postJson(url('cached'), body, h), postJson(url('cached'), body, h)]);
  assert.equal(a.status, 200);
  assert.ok(a.text.length > 3_000_000, `got ${a.text.length} bytes`);
  assert.equal(b.text, a.text);
  assert.deepStrictEqual([a, b].map((r) => r.headers['x-parapet-cache-status']).sort(), ['HIT', 'MISS']);
  const c = await postJson(url('cached'), body, h);
  assert.equal(c.headers['x-parapet-cache-status'], 'HIT');
  assert.equal(c.text, a.text);
  assert.equal(upstreamCalls(), 1);
  assert.equal((await cacheStats()).memory.entries, before, 'not in the memory tier');
});

test('an error answer is not stored', async () => {
  fake.clear();
  const body = chat('error please');
  const a = await postJson(url('cached'), body, { ...auth(), 'x-fake-status': '429' });
  const b = await postJson(url('cached'), body, { ...auth(), 'x-fake-status': '429' });
  assert.equal(a.status, 429);
  assert.equal(b.status, 429);
  assert.equal(b.headers['x-parapet-cache-status'], 'MISS');
  assert.equal(upstreamCalls(), 2);
});

test('skip-cache bypasses: BYPASS, upstream called, and nothing stored', async () => {
  fake.clear();
  const body = chat('skip me');
  const a = await postJson(url('cached'), body, { ...auth(), 'x-parapet-skip-cache': 'true' });
  const b = await postJson(url('cached'), body, { ...auth(), 'cf-aig-skip-cache': 'true' });
  assert.equal(a.headers['x-parapet-cache-status'], 'BYPASS');
  assert.equal(b.headers['x-parapet-cache-status'], 'BYPASS');
  assert.equal(upstreamCalls(), 2);
  const c = await postJson(url('cached'), body, auth());
  assert.equal(c.headers['x-parapet-cache-status'], 'MISS', 'a bypassed answer was not stored');
  const r = await record(a.headers['x-parapet-log-id']);
  assert.equal(r.cache_status, 'BYPASS');
});

test('tenants never share answers: another credential misses; "shared" gateways share', async () => {
  fake.clear();
  const body = chat('whose answer');
  assert.equal((await postJson(url('cached'), body, auth('sk-tenant-1'))).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('cached'), body, auth('sk-tenant-2'))).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('cached'), body, { 'x-api-key': 'sk-tenant-1' })).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('cached'), body, auth('sk-tenant-1'))).headers['x-parapet-cache-status'], 'HIT');
  assert.equal(upstreamCalls(), 3);
  // A custom key is still partitioned.
  const k = { 'x-parapet-cache-key': 'faq-1' };
  assert.equal((await postJson(url('cached'), chat('one'), { ...auth('sk-tenant-1'), ...k })).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('cached'), chat('two'), { ...auth('sk-tenant-1'), ...k })).headers['x-parapet-cache-status'], 'HIT');
  assert.equal((await postJson(url('cached'), chat('one'), { ...auth('sk-tenant-2'), ...k })).headers['x-parapet-cache-status'], 'MISS');
  // Shared mode: tenants share.
  fake.clear();
  assert.equal((await postJson(url('shared'), body, auth('sk-tenant-1'))).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('shared'), body, auth('sk-tenant-2'))).headers['x-parapet-cache-status'], 'HIT');
  assert.equal(upstreamCalls(), 1);
});

test('virtual keys and gateway tokens partition the cache (auth phase key_id)', async () => {
  const adminPost = async (body) => {
    const r = await fetch(`${gw.adminUrl}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 201);
    return (await r.json()).secret;
  };
  // Two virtual keys over the same provider key are still two tenants.
  const vk1 = await adminPost({ kind: 'virtual_key', name: 'team-1', provider: 'openai', provider_key: 'sk-shared-upstream' });
  const vk2 = await adminPost({ kind: 'virtual_key', name: 'team-2', provider: 'openai', provider_key: 'sk-shared-upstream' });
  fake.clear();
  const body = chat('virtual tenants');
  const status = async (headers) => (await postJson(url('cached'), body, headers)).headers['x-parapet-cache-status'];
  assert.equal(await status(auth(vk1)), 'MISS');
  assert.equal(await status(auth(vk1)), 'HIT');
  assert.equal(await status(auth(vk2)), 'MISS');
  assert.equal(upstreamCalls(), 2);
  assert.equal(fake.requests[1].headers.authorization, 'Bearer sk-shared-upstream', 'swapped upstream');
  // One gateway token in front of two clients' own provider keys: still two tenants.
  const tok = await adminPost({ kind: 'gateway_token', name: 'front', gateways: ['cached'] });
  fake.clear();
  const viaToken = (k) => ({ ...auth(k), 'x-parapet-authorization': `Bearer ${tok}` });
  assert.equal(await status(viaToken('sk-own-1')), 'MISS');
  assert.equal(await status(viaToken('sk-own-1')), 'HIT');
  assert.equal(await status(viaToken('sk-own-2')), 'MISS');
  assert.equal(await status(auth('sk-own-1')), 'MISS', 'without the token: another partition');
  assert.equal(upstreamCalls(), 3);
});

test('headers that change the answer are part of the key', async () => {
  fake.clear();
  const body = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'vary' }] };
  const h = { 'x-api-key': 'sk-ant-x', 'anthropic-version': '2023-06-01' };
  const p = '/anthropic/v1/messages';
  assert.equal((await postJson(url('cached', p), body, h)).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('cached', p), body, h)).headers['x-parapet-cache-status'], 'HIT');
  assert.equal((await postJson(url('cached', p), body, { ...h, 'anthropic-beta': 'x-1' })).headers['x-parapet-cache-status'], 'MISS');
  assert.equal(upstreamCalls(), 2);
});

test('malformed controls are refused with 400', async () => {
  for (const [name, value] of [['x-parapet-cache-ttl', 'soon'], ['x-parapet-cache-ttl', '-1'], ['x-parapet-skip-cache', 'maybe']]) {
    const r = await postJson(url('cached'), chat('bad'), { ...auth(), [name]: value });
    assert.equal(r.status, 400, `${name}: ${value}`);
    assert.equal(r.json().error.type, 'bad_request');
  }
});

test('an expired answer is never served', async () => {
  fake.clear();
  const body = chat('short lived');
  const h = { ...auth(), 'x-parapet-cache-ttl': '1' };
  assert.equal((await postJson(url('default'), body, h)).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('default'), body, h)).headers['x-parapet-cache-status'], 'HIT');
  await sleep(1100); // the TTL itself is what is under test
  assert.equal((await postJson(url('default'), body, h)).headers['x-parapet-cache-status'], 'MISS');
  assert.equal(upstreamCalls(), 2);
});

test('admin API, CLI and metrics: stats and purge (all, or one gateway)', async () => {
  fake.clear();
  const onDisk = (await cacheStats()).disk.entries;
  await postJson(url('cached'), chat('purge a'), auth());
  await postJson(url('shared'), chat('purge b'), auth());
  // Disk writes are asynchronous (a loaded machine lags): the checks below read the disk tier.
  await waitFor(async () => (await cacheStats()).disk.entries >= onDisk + 2, { what: 'both answers on disk' });
  const s = await cacheStats();
  assert.ok(s.entries >= 2);
  assert.ok(s.hits >= 1 && s.misses >= 1 && s.bypasses >= 2);
  assert.equal(s.disk.enabled, true);
  const cli = JSON.parse(execFileSync(parapetBin(), ['cache', 'stats', '--admin', gw.adminUrl.replace('http://', ''), '--json'], { encoding: 'utf8' }));
  assert.equal(cli.entries, s.entries);
  const table = execFileSync(parapetBin(), ['cache', 'stats', '--admin', gw.adminUrl.replace('http://', '')], { encoding: 'utf8' });
  assert.match(table, /coalesced\s+\d+/);

  const metrics = (await request(`${gw.adminUrl}/metrics`, { method: 'GET' })).text;
  assert.match(metrics, /^parapet_cache_misses_total \d+$/m);
  assert.match(metrics, /^parapet_cache_coalesced_total [1-9]\d*$/m);
  assert.match(metrics, /^parapet_cache_entries\{tier="disk"\} [1-9]\d*$/m);
  assert.match(metrics, /^parapet_cache_hits_total\{/m);

  const out = execFileSync(parapetBin(), ['cache', 'purge', '--gateway', 'shared', '--admin', gw.adminUrl.replace('http://', '')], { encoding: 'utf8' });
  assert.match(out, /purged [1-9]\d* cached answers of gateway shared/);
  assert.equal((await postJson(url('shared'), chat('purge b'), auth())).headers['x-parapet-cache-status'], 'MISS');
  assert.equal((await postJson(url('cached'), chat('purge a'), auth())).headers['x-parapet-cache-status'], 'HIT');

  // /cache (like /keys, /logs) and /admin/cache are the same endpoint.
  assert.equal((await request(`${gw.adminUrl}/cache`, { method: 'GET' })).json().entries, (await cacheStats()).entries);
  assert.equal((await request(`${gw.adminUrl}/cache`, { method: 'POST' })).status, 405);
  const del = await request(`${gw.adminUrl}/admin/cache`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  assert.ok(del.json().purged >= 1);
  assert.equal((await cacheStats()).entries, 0);
  assert.equal((await postJson(url('cached'), chat('purge a'), auth())).headers['x-parapet-cache-status'], 'MISS');
});

test('the persistent tier survives a restart', async () => {
  const fake2 = await startFakeProvider();
  const opts = { config: CONFIG, upstreams: { openai: `${fake2.url}/v1` }, keepData: true };
  const g1 = await startGateway(opts);
  const body = chat('remember me');
  const u = `${g1.url}/cached/openai/chat/completions`;
  const first = await postJson(u, body, auth());
  assert.equal(first.headers['x-parapet-cache-status'], 'MISS');
  // The disk write is asynchronous: wait until the persistent tier has it.
  await waitFor(async () => (await request(`${g1.adminUrl}/admin/cache`, { method: 'GET' })).json().disk.entries >= 1, { what: 'disk entry' });
  await g1.stop();
  const g2 = await startGateway({ ...opts, dataDir: g1.dataDir, keepData: false });
  try {
    const again = await postJson(`${g2.url}/cached/openai/chat/completions`, body, auth());
    assert.equal(again.headers['x-parapet-cache-status'], 'HIT');
    assert.equal(again.text, first.text);
    assert.equal(fake2.requests.length, 1);
  } finally {
    await g2.stop();
    await fake2.close();
  }
});
