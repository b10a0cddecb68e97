// One API: the official `openai` SDK, unmodified, talks to Anthropic and Gemini through the
// compat endpoint. Every scenario of the translation conformance corpus (tests/corpus/translate/)
// runs end to end: the SDK sends the scenario's OpenAI request, the fake provider checks nothing
// and answers with the scenario's recorded native answer or stream (x-fake-scenario), and the test
// checks the native request the fake received and the OpenAI answer or chunks the SDK returned
// against the corpus, then the record's usage and cost against a native call's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startGateway, startFakeProvider, repoRoot } from './lib/harness.mjs';
import { request, logRecord } from './lib/util.mjs';

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    upstreams: {
      openai: `${fake.url}/v1`, anthropic: fake.url, 'google-ai-studio': fake.url,
      groq: `${fake.url}/v1`,
    },
    config: `
[gateways.default]
[gateways.fb.fallbacks]
"anthropic/claude-broken" = ["google-ai-studio/gemini-2.5-flash"]
`,
  });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const T = 10_000;
const client = (baseURL = `${gw.url}/v1`, apiKey = 'sk-test-0000') =>
  new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: T });

// Corpus requests already name `provider/model`.
const withProvider = (provider, model) => (model.startsWith(`${provider}/`) ? model : `${provider}/${model}`);
const corpusDir = `${repoRoot}tests/corpus/translate`;
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const sseData = (text) => text.split('\n\n').filter((e) => e.startsWith('data: '))
  .map((e) => e.slice('data: '.length)).filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
// `created` is the gateway's clock; the corpus was written with another.
const noCreated = (o) => { const c = structuredClone(o); delete c.created; return c; };

const record = (id) => logRecord(gw.adminUrl, id);

function scenarios() {
  const out = [];
  for (const provider of ['anthropic', 'google-ai-studio']) {
    for (const name of readdirSync(`${corpusDir}/${provider}`)) {
      const dir = `${corpusDir}/${provider}/${name}`;
      if (!existsSync(`${dir}/openai_request.json`)) continue;
      out.push({ provider, name, dir });
    }
  }
  return out;
}

for (const { provider, name, dir } of scenarios()) {
  test(`corpus ${provider}/${name} through the openai SDK`, async () => {
    const body = readJson(`${dir}/openai_request.json`);
    const req = { ...body, model: withProvider(provider, body.model) };
    const headers = { 'x-fake-scenario': `${provider}/${name}` };
    fake.requests.length = 0;
    const c = client();
    if (existsSync(`${dir}/openai_error.json`)) {
      // Refused by the translator: a 400 before anything reaches the provider.
      const want = readJson(`${dir}/openai_error.json`);
      await assert.rejects(c.chat.completions.create(req, { headers }), (e) => {
        assert.equal(e.status, want.status ?? 400);
        return true;
      });
      assert.equal(fake.requests.length, 0, 'nothing was sent upstream');
      return;
    }
    const scenario = readJson(`${dir}/scenario.json`);
    const check_native = () => {
      assert.equal(fake.requests.length, 1);
      const sent = fake.requests[0];
      assert.equal(sent.url, scenario.native_path);
      assert.deepStrictEqual(JSON.parse(sent.body), readJson(`${dir}/native_request.json`));
      if (provider === 'anthropic') {
        assert.equal(sent.headers['x-api-key'], 'sk-test-0000');
        assert.equal(sent.headers['anthropic-version'], '2023-06-01');
      } else {
        assert.equal(sent.headers['x-goog-api-key'], 'sk-test-0000');
      }
      assert.equal(sent.headers.authorization, undefined, 'the bearer moved to the native field');
    };
    if (existsSync(`${dir}/openai_stream.sse`)) {
      const want = sseData(readFileSync(`${dir}/openai_stream.sse`, 'utf8'));
      const wantsError = want.length > 0 && want.at(-1).error;
      const got = [];
      const run = async () => {
        const stream = await c.chat.completions.create(req, { headers });
        for await (const chunk of stream) got.push(chunk);
      };
      if (wantsError) {
        await assert.rejects(run(), (e) => {
          assert.match(String(e.message), new RegExp(want.at(-1).error.message));
          return true;
        });
        assert.deepStrictEqual(got.map(noCreated), want.slice(0, -1).map(noCreated));
      } else {
        await run();
        assert.deepStrictEqual(got.map(noCreated), want.map(noCreated));
      }
      check_native();
      return;
    }
    const want = readJson(`${dir}/openai_answer.json`);
    if (scenario.openai_status >= 400) {
      await assert.rejects(c.chat.completions.create(req, { headers }), (e) => {
        assert.equal(e.status, scenario.openai_status);
        assert.deepStrictEqual(e.error, want.error);
        return true;
      });
      check_native();
      return;
    }
    const { data, response } = await c.chat.completions.create(req, { headers }).withResponse();
    assert.deepStrictEqual(noCreated(data), noCreated(want));
    check_native();
    const rec = await record(response.headers.get('x-parapet-log-id'));
    const usage = readJson(`${dir}/usage.json`);
    assert.equal(rec.provider, provider);
    assert.equal(rec.tokens_input, usage.input);
    assert.equal(rec.tokens_output, usage.output);
    assert.equal(rec.tokens_cached_read, usage.cached_read);
  });
}

test('usage and cost of a translated call equal the native call\'s, to the token', async () => {
  for (const [provider, name] of [['anthropic', 'cached_tokens'], ['google-ai-studio', 'cached_tokens'],
    ['anthropic', 'cached_tokens_stream'], ['google-ai-studio', 'text_stream']]) {
    const dir = `${corpusDir}/${provider}/${name}`;
    const body = readJson(`${dir}/openai_request.json`);
    const headers = { 'x-fake-scenario': `${provider}/${name}` };
    const viaCompat = await c_create({ ...body, model: withProvider(provider, body.model) }, headers);
    // The same native request, sent natively through the gateway, gets the same recorded answer.
    const native = readJson(`${dir}/native_request.json`);
    const path = readJson(`${dir}/scenario.json`).native_path;
    const r = await request(`${gw.url}/default/${provider}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'x-goog-api-key': 'k', ...headers },
      body: JSON.stringify(native),
    });
    assert.equal(r.status, 200);
    const a = await record(viaCompat);
    const b = await record(r.headers['x-parapet-log-id']);
    for (const f of ['provider', 'model_requested', 'model_answered', 'tokens_input', 'tokens_output',
      'tokens_cached_read', 'tokens_cache_write', 'tokens_reasoning', 'usage_source', 'cost_micros', 'endpoint']) {
      assert.equal(a[f], b[f], `${provider}/${name}: ${f}`);
    }
    assert.ok(a.tokens_input > 0 && a.cost_micros > 0, `${provider}/${name} was priced`);
  }
});

async function c_create(req, headers) {
  const { data, response } = await client().chat.completions.create(req, { headers }).withResponse();
  if (req.stream) for await (const _ of data) { /* drain */ }
  return response.headers.get('x-parapet-log-id');
}

test('a tool-calling conversation: parallel calls, then results, then the answer', async () => {
  for (const provider of ['anthropic', 'google-ai-studio']) {
    const c = client();
    const first = readJson(`${corpusDir}/${provider}/parallel_tool_calls/openai_request.json`);
    const model = withProvider(provider, first.model);
    const calls = await c.chat.completions.create({ ...first, model },
      { headers: { 'x-fake-scenario': `${provider}/parallel_tool_calls` } });
    const msg = calls.choices[0].message;
    assert.equal(calls.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.tool_calls.length, 2);
    const args = msg.tool_calls.map((t) => JSON.parse(t.function.arguments));
    assert.equal(args[0].city, 'Paris');
    // The SDK user sends the results back in OpenAI's shape; the gateway turns them into the
    // provider's tool results.
    fake.requests.length = 0;
    const messages = [...first.messages, msg,
      ...msg.tool_calls.map((t) => ({ role: 'tool', tool_call_id: t.id, content: '{"ok":true}' }))];
    const done = await c.chat.completions.create({ ...first, model, messages },
      { headers: { 'x-fake-scenario': `${provider}/text` } });
    assert.equal(typeof done.choices[0].message.content, 'string');
    const native = JSON.parse(fake.requests[0].body);
    if (provider === 'anthropic') {
      const results = native.messages.at(-1).content;
      assert.deepStrictEqual(results.map((r) => r.type), ['tool_result', 'tool_result']);
      assert.deepStrictEqual(results.map((r) => r.tool_use_id), msg.tool_calls.map((t) => t.id));
    } else {
      const parts = native.contents.at(-1).parts;
      assert.deepStrictEqual(parts.map((p) => p.functionResponse.name), ['get_weather', 'get_time']);
    }
  }
});

test('streamed tool calls arrive as incremental arguments the SDK assembles', async () => {
  for (const provider of ['anthropic', 'google-ai-studio']) {
    const first = readJson(`${corpusDir}/${provider}/parallel_tool_calls_stream/openai_request.json`);
    const stream = client().chat.completions.stream({ ...first, model: withProvider(provider, first.model) },
      { headers: { 'x-fake-scenario': `${provider}/parallel_tool_calls_stream` } });
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0].message.tool_calls;
    assert.equal(calls.length, 2, provider);
    assert.equal(JSON.parse(calls[0].function.arguments).city, 'Paris');
  }
});

test('OpenAI-compatible providers pass through with the bare model name', async () => {
  fake.requests.length = 0;
  const r = await client().chat.completions.create({
    model: 'groq/llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'Say hello' }],
  });
  assert.equal(r.object, 'chat.completion');
  const sent = fake.requests[0];
  assert.equal(sent.url, '/v1/chat/completions');
  assert.equal(JSON.parse(sent.body).model, 'llama-3.3-70b-versatile');
  assert.equal(sent.headers.authorization, 'Bearer sk-test-0000');
  // A stream asks for usage (hidden from a client that did not) so the record has tokens.
  fake.requests.length = 0;
  const chunks = [];
  const s = await client().chat.completions.create({
    model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], stream: true,
  });
  for await (const ch of s) chunks.push(ch);
  assert.equal(JSON.parse(fake.requests[0].body).stream_options.include_usage, true);
  assert.ok(chunks.every((ch) => ch.choices.length > 0), 'the injected usage chunk is hidden');
});

test('the compat route under a named gateway, and its errors', async () => {
  const r = await client(`${gw.url}/default/compat`).chat.completions.create({
    model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }],
  }, { headers: { 'x-fake-scenario': 'anthropic/text' } });
  assert.equal(r.object, 'chat.completion');
  for (const [model, pattern] of [['gpt-4o-mini', /provider\/model/], ['nope/x', /unknown provider 'nope'/],
    ['cohere/command-r', /not served by the compat endpoint/]]) {
    await assert.rejects(client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }),
      (e) => {
        assert.equal(e.status, 400);
        assert.match(e.message, pattern);
        assert.equal(e.type, 'invalid_request_error');
        return true;
      });
  }
  const notJson = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "anthropic/x", "messages": [',
  });
  assert.equal(notJson.status, 400);
  const missing = await request(`${gw.url}/v1/embeddings`, { method: 'POST', body: '{}' });
  assert.equal(missing.status, 404);
});

test('GET /v1/models lists priced models as provider/model', async () => {
  const ids = [];
  for await (const m of client().models.list()) ids.push(m.id);
  assert.ok(ids.includes('anthropic/claude-sonnet-4-5'), ids.slice(0, 5).join(','));
  assert.ok(ids.some((id) => id.startsWith('google-ai-studio/gemini-2.5-flash')));
  assert.ok(ids.some((id) => id.startsWith('openai/gpt-4o-mini')));
  assert.ok(!ids.some((id) => id.startsWith('cohere/')), 'providers the endpoint cannot serve are left out');
});

test('a fallback from Anthropic to Gemini translates each step for its own provider', async () => {
  fake.requests.length = 0;
  const { data, response } = await client(`${gw.url}/fb/compat`).chat.completions.create({
    model: 'anthropic/claude-broken', messages: [{ role: 'user', content: 'Say hello' }],
  }, { headers: { 'x-fake-status': '500', 'x-fake-fail-times': '1', 'x-fake-fail-key': 'fb1' } }).withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(response.headers.get('x-parapet-step'), '1');
  assert.equal(fake.requests[0].url, '/v1/messages');
  assert.match(fake.requests[1].url, /^\/v1beta\/models\/gemini-2.5-flash:generateContent/);
  assert.equal(fake.requests[1].headers['x-goog-api-key'], 'sk-test-0000');
});

test('the native SDKs still work beside it (no route taken over)', async () => {
  const a = new Anthropic({ apiKey: 'k', baseURL: `${gw.url}/default/anthropic`, maxRetries: 0 });
  const m = await a.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });
  assert.equal(m.type, 'message');
  const g = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: `${gw.url}/default/google-ai-studio` } });
  const r = await g.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
  assert.ok(r.text.length > 0);
});

test('a virtual key in Authorization reaches Anthropic as its provider key in x-api-key', async () => {
  const res = await fetch(`${gw.adminUrl}/keys`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'virtual_key', name: 'compat-team', provider: 'anthropic', provider_key: 'sk-ant-real-123' }),
  });
  const vk = await res.json();
  assert.equal(res.status, 201, JSON.stringify(vk));
  fake.requests.length = 0;
  const { response } = await client(`${gw.url}/v1`, vk.secret).chat.completions.create({
    model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }],
  }, { headers: { 'x-fake-scenario': 'anthropic/text' } }).withResponse();
  const sent = fake.requests[0];
  assert.equal(sent.headers['x-api-key'], 'sk-ant-real-123');
  assert.ok(!JSON.stringify(sent.headers).includes('pvk_'), 'the virtual key never goes upstream');
  const rec = await record(response.headers.get('x-parapet-log-id'));
  assert.equal(rec.key_id, vk.key.id);
  // The key is for Anthropic: asking Gemini with it is refused before anything is sent.
  fake.requests.length = 0;
  await assert.rejects(client(`${gw.url}/v1`, vk.secret).chat.completions.create({
    model: 'google-ai-studio/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }],
  }), (e) => e.status === 403);
  assert.equal(fake.requests.length, 0);
});

test('a cached compat answer replays the translated body', async () => {
  const req = { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'cache me' }] };
  const headers = { 'x-fake-scenario': 'anthropic/text', 'x-parapet-cache-ttl': '60' };
  const a = await client().chat.completions.create(req, { headers }).withResponse();
  const b = await client().chat.completions.create(req, { headers }).withResponse();
  assert.equal(b.response.headers.get('x-parapet-cache-status'), 'HIT');
  assert.deepStrictEqual(b.data, a.data);
  assert.equal(b.data.object, 'chat.completion');
  const s = { ...req, stream: true };
  const collect = async () => {
    const out = [];
    for await (const ch of await client().chat.completions.create(s, { headers: { ...headers, 'x-fake-scenario': 'anthropic/text_stream' } })) out.push(ch);
    return out;
  };
  const first = await collect();
  const second = await collect();
  assert.deepStrictEqual(second, first);
  assert.ok(first.length > 1);
});
