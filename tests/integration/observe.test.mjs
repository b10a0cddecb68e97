// "See everything": after a mix of requests (providers, streaming and not, errors), the store, the
// admin API, the CLI and /metrics all report the same requests and the same exact token and cost
// totals; no credential reaches the store; SIGTERM loses no record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { request, waitFor } from './lib/util.mjs';

const SECRET = 'sk-live-Q7vT9xSECRETSECRETw2';
let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    upstreams: { openai: `${fake.url}/v1`, anthropic: fake.url, 'google-ai-studio': fake.url },
  });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const json = { 'content-type': 'application/json' };
const chat = (extra = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], ...extra });
const claude = (extra = {}) => JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }], ...extra });
const gemini = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] });

// Usage in the fake provider's fixtures (tests/fake_provider/fixtures/), in Parapet's convention.
const calls = [
  { name: 'openai chat', path: '/default/openai/chat/completions', body: chat(), in: 19, out: 9, headers: { authorization: `Bearer ${SECRET}`, 'x-parapet-metadata': '{"team":"search","tier":2}' } },
  { name: 'openai chat again', path: '/default/openai/chat/completions', body: chat(), in: 19, out: 9, headers: { authorization: `Bearer ${SECRET}`, 'x-parapet-metadata': '{"team":"search"}' } },
  { name: 'openai chat stream (usage injected)', path: '/default/openai/chat/completions', body: chat({ stream: true }), in: 19, out: 9 },
  { name: 'openai responses stream', path: '/default/openai/responses', body: JSON.stringify({ model: 'gpt-4o-mini', input: 'Say hello', stream: true }), in: 12, out: 9 },
  { name: 'anthropic', path: '/default/anthropic/v1/messages', body: claude(), in: 12, out: null, headers: { 'x-api-key': SECRET } },
  { name: 'anthropic stream', path: '/default/anthropic/v1/messages', body: claude({ stream: true }), in: 12, out: 12 },
  { name: 'gemini', path: '/default/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent', body: gemini, in: 3, out: null, headers: { 'x-goog-api-key': SECRET } },
  { name: 'gemini stream', path: '/default/google-ai-studio/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body: gemini, in: 3, out: 10 },
  { name: 'unknown provider', path: '/default/nope/x', body: '{}', status: 404 },
  { name: 'provider 429', path: '/default/openai/chat/completions', body: chat(), status: 429, headers: { 'x-fake-status': '429', 'x-fake-retry-after': '1' } },
];

async function metric(name) {
  const text = (await request(`${gw.adminUrl}/metrics`, { method: 'GET' })).text;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

test('every surface reports the same requests, tokens and cost', async () => {
  const direct = await request(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: json, body: chat({ stream: true }) });
  const ids = [];
  for (const c of calls) {
    const r = await request(`${gw.url}${c.path}`, { method: 'POST', headers: { ...json, ...c.headers }, body: c.body });
    assert.equal(r.status, c.status ?? 200, `${c.name}: ${r.text}`);
    ids.push(r.headers['x-parapet-log-id']);
    if (c.name.startsWith('openai chat stream')) {
      // The client did not ask for usage: it gets exactly what it would have got without Parapet.
      assert.equal(r.text, direct.text);
    }
  }
  const n = calls.length;
  await waitFor(async () => (await metric('parapet_store_rows_written_total')) >= n, { what: 'rows stored' });

  // Store, through the admin API.
  const page = (await request(`${gw.adminUrl}/logs?limit=100`, { method: 'GET' })).json();
  assert.equal(page.records.length, n);
  assert.deepEqual(new Set(page.records.map((r) => r.id)), new Set(ids));
  const byId = Object.fromEntries(page.records.map((r) => [r.id, r]));
  let tokensIn = 0, tokensOut = 0, cost = 0;
  calls.forEach((c, i) => {
    const r = byId[ids[i]];
    assert.equal(r.status, c.status ?? 200, c.name);
    if (c.in !== undefined) {
      assert.equal(r.usage_source, 'provider', c.name);
      assert.equal(r.tokens_input, c.in, `${c.name} input`);
      if (c.out !== null) assert.equal(r.tokens_output, c.out, `${c.name} output`);
      assert.ok(r.cost_micros > 0, `${c.name} is priced`);
      assert.ok(r.model_answered.length > 0, `${c.name} model answered`);
    } else {
      assert.equal(r.usage_source, 'none', c.name);
      assert.equal(r.cost_micros, 0);
    }
    tokensIn += r.tokens_input;
    tokensOut += r.tokens_output;
    cost += r.cost_micros;
  });
  assert.equal(byId[ids[0]].metadata.team, 'search');
  assert.equal(byId[ids[0]].endpoint, '/chat/completions');
  assert.equal(byId[ids[8]].error_type, 'not_found');
  assert.equal(byId[ids[8]].gateway, 'default');

  // Filters.
  const tagged = (await request(`${gw.adminUrl}/logs?metadata=team%3Dsearch`, { method: 'GET' })).json();
  assert.equal(tagged.records.length, 2);
  const failed = (await request(`${gw.adminUrl}/logs?status=4xx`, { method: 'GET' })).json();
  assert.equal(failed.records.length, 2);
  const one = (await request(`${gw.adminUrl}/logs/${ids[3]}`, { method: 'GET' })).json();
  assert.equal(one.id, ids[3]);

  // Analytics.
  const stats = (await request(`${gw.adminUrl}/stats?from=1h`, { method: 'GET' })).json();
  assert.equal(stats.rows.length, 1);
  assert.equal(stats.rows[0].requests, n);
  assert.equal(stats.rows[0].input_tokens, tokensIn);
  assert.equal(stats.rows[0].output_tokens, tokensOut);
  assert.equal(stats.rows[0].cost_micros, cost);

  // Analytics by a metadata tag (answered from the store).
  const byTeam = (await request(`${gw.adminUrl}/stats?from=1h&group_by=metadata.team`, { method: 'GET' })).json();
  const team = Object.fromEntries(byTeam.rows.map((r) => [r.metadata.team, r]));
  assert.equal(team.search.requests, 2);
  assert.equal(team.search.input_tokens, 38);
  assert.equal(team[''].requests, n - 2);
  assert.equal(byTeam.rows.reduce((a, r) => a + r.cost_micros, 0), cost);

  // Prometheus.
  assert.equal(await metric('parapet_requests_total'), n);
  assert.equal(await metric('parapet_cost_micros_total'), cost);
  const tokenLines = (await request(`${gw.adminUrl}/metrics`, { method: 'GET' })).text.split('\n')
    .filter((l) => l.startsWith('parapet_tokens_total{'));
  const kind = (k) => tokenLines.filter((l) => l.includes(`kind="${k}"`)).reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
  assert.equal(kind('input'), tokensIn);
  assert.equal(kind('output'), tokensOut);

  // CLI.
  const admin = `127.0.0.1:${gw.adminPort}`;
  const jsonl = execFileSync(parapetBin(), ['logs', '--admin', admin, '--format', 'jsonl'], { encoding: 'utf8' })
    .trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(jsonl.length, n);
  assert.equal(jsonl.reduce((a, r) => a + r.cost_micros, 0), cost);
  const cliStats = JSON.parse(execFileSync(parapetBin(), ['stats', '--admin', admin, '--json', '--from', '1h'], { encoding: 'utf8' }));
  assert.equal(cliStats.rows[0].requests, n);
  assert.equal(cliStats.rows[0].cost_micros, cost);
  const csv = execFileSync(parapetBin(), ['logs', '--admin', admin, '--format', 'csv'], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(csv.length, n + 1);
  const table = execFileSync(parapetBin(), ['logs', '--admin', admin], { encoding: 'utf8' });
  assert.match(table, /gpt-4o-mini/);

  // No credential anywhere in the store's files.
  for (const f of readdirSync(gw.dataDir)) {
    const bytes = readFileSync(join(gw.dataDir, f));
    assert.equal(bytes.includes(SECRET), false, `${f} holds a credential`);
  }
});

test('SIGTERM stores every record before exit; a restart still has them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-it-keep-'));
  try {
    const g1 = await startGateway({ upstreams: { openai: `${fake.url}/v1` }, dataDir: dir, keepData: true });
    const total = 40;
    await Promise.all(Array.from({ length: total }, () =>
      request(`${g1.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body: chat() })));
    const { code } = await g1.stop('SIGTERM');
    assert.equal(code, 0);
    const g2 = await startGateway({ dataDir: dir, keepData: true });
    try {
      const page = (await request(`${g2.adminUrl}/logs?limit=1000`, { method: 'GET' })).json();
      assert.equal(page.records.length, total);
      assert.equal(page.records.reduce((a, r) => a + r.tokens_input, 0), total * 19);
    } finally {
      await g2.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live tail streams new records as they happen', async () => {
  const { streamRequest } = await import('./lib/util.mjs');
  const tail = await streamRequest(`${gw.adminUrl}/logs/stream?provider=openai`, { method: 'GET' });
  try {
    assert.equal(tail.status, 200);
    const r = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body: chat() });
    const id = r.headers['x-parapet-log-id'];
    await tail.waitForText(id, 5_000);
  } finally {
    tail.abort?.();
    tail.destroy?.();
  }
});

test('a malformed x-parapet-metadata is refused with 400', async () => {
  const r = await request(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { ...json, 'x-parapet-metadata': '{"a":{"nested":1}}' }, body: chat(),
  });
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.text).error.type, 'bad_request');
});

test('bodies are kept when asked, capped and scrubbed of credentials', async () => {
  const leaked = 'sk-proj-AbCdEf0123456789AbCdEf0123456789';
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `my key is ${leaked}` }] });
  const kept = await request(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { ...json, 'x-parapet-collect-log': 'true' }, body,
  });
  const plain = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body });
  const get = async (id) => {
    await waitFor(async () => (await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' })).status === 200, { what: id });
    return (await request(`${gw.adminUrl}/logs/${id}`, { method: 'GET' })).json();
  };
  const a = await get(kept.headers['x-parapet-log-id']);
  assert.match(a.request_body, /my key is/);
  assert.equal(a.request_body.includes(leaked), false, 'the key is masked');
  assert.match(a.response_body, /chat\.completion/);
  const b = await get(plain.headers['x-parapet-log-id']);
  assert.equal(b.request_body, '');
  assert.equal(b.response_body, '');
});
