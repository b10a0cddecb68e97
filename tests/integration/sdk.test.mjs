// One-line integration: the providers' own SDKs, unmodified, pointed at the gateway with only the
// base URL changed, get exactly what they get when pointed at the provider (the fake) directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startGateway, startFakeProvider } from './lib/harness.mjs';
import { within } from './lib/util.mjs';

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

const T = 10_000; // every call below must finish within this

// Same options both ways; only the base URL differs.
const openai = (baseURL) => new OpenAI({ apiKey: 'sk-proj-test-0000', baseURL, maxRetries: 0, timeout: T });
const anthropic = (baseURL) => new Anthropic({ apiKey: 'sk-ant-test-0000', baseURL, maxRetries: 0, timeout: T });
const genai = (baseUrl) => new GoogleGenAI({ apiKey: 'AIza-test-0000', httpOptions: { baseUrl, timeout: T } });

const direct = () => ({
  openai: openai(`${fake.url}/v1`),
  anthropic: anthropic(fake.url),
  genai: genai(fake.url),
});
const viaGateway = () => ({
  openai: openai(`${gw.url}/default/openai`),
  anthropic: anthropic(`${gw.url}/default/anthropic`),
  genai: genai(`${gw.url}/default/google-ai-studio`),
});

async function collect(stream) {
  const out = [];
  for await (const event of stream) out.push(event);
  return out;
}

// Runs call(clients) directly and through the gateway; asserts the results are deep-equal and that
// the gateway really forwarded (the fake saw one more request, on the same path).
async function same(call) {
  fake.requests.length = 0;
  const want = await within(T, call(direct()), 'direct call');
  const got = await within(T, call(viaGateway()), 'call through the gateway');
  assert.equal(fake.requests.length, 2, 'the fake saw the direct call and the forwarded one');
  assert.equal(fake.requests[1].url, fake.requests[0].url, 'same upstream path and query');
  assert.deepStrictEqual(got, want);
  return got;
}

const messages = [{ role: 'user', content: 'Say hello' }];

test('openai chat completion', async () => {
  const r = await same((c) => c.openai.chat.completions.create({ model: 'gpt-4o-mini', messages }));
  assert.equal(r.choices[0].message.content, 'Hello! How can I help you today?');
});

test('openai chat completion stream with usage', async () => {
  const events = await same(async (c) => collect(await c.openai.chat.completions.create({
    model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true },
  })));
  assert.equal(events.map((e) => e.choices[0]?.delta?.content ?? '').join(''), 'Hello! How can I help you today?');
  assert.equal(events.at(-1).usage.total_tokens, 28);
});

test('openai responses stream', async () => {
  const events = await same(async (c) => collect(await c.openai.responses.create({
    model: 'gpt-4o-mini', input: 'Say hello', stream: true,
  })));
  assert.equal(events[0].type, 'response.created');
  assert.equal(events.at(-1).type, 'response.completed');
  assert.equal(events.at(-1).response.usage.total_tokens, 21);
});

test('anthropic messages create', async () => {
  const r = await same((c) => c.anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages }));
  assert.equal(r.content[0].text, 'Hello! How can I help you today?');
});

test('anthropic messages stream', async () => {
  const r = await same(async (c) => {
    const stream = c.anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 256, messages });
    const events = await collect(stream);
    return { events, final: await stream.finalMessage() };
  });
  assert.deepEqual(r.events.map((e) => e.type), [
    'message_start', 'content_block_start', 'content_block_delta', 'content_block_delta',
    'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
  ]);
  assert.equal(r.final.content[0].text, 'Hello! How can I help you today?');
});

// The Gemini SDK attaches the HTTP response headers (date, and anything the gateway adds such as
// server-timing) to each result as sdkHttpResponse; the payload is what must be identical.
const payload = (r) => {
  const { sdkHttpResponse, ...rest } = r;
  assert.ok(sdkHttpResponse, 'the SDK still reports the HTTP response');
  return JSON.parse(JSON.stringify(rest));
};

test('google genai generateContent', async () => {
  const r = await same(async (c) =>
    payload(await c.genai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Say hello' })));
  assert.equal(r.candidates[0].content.parts[0].text, 'Hello! How can I help you today?\n');
  assert.match(fake.requests[1].url, /^\/v1beta\/models\/gemini-2\.0-flash:generateContent$/);
});

test('google genai generateContentStream', async () => {
  const chunks = await same(async (c) => {
    const stream = await c.genai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Say hello' });
    return (await collect(stream)).map(payload);
  });
  assert.equal(chunks.length, 3);
  assert.equal(chunks.at(-1).usageMetadata.totalTokenCount, 13);
  assert.match(fake.requests[1].url, /:streamGenerateContent\?alt=sse$/);
});

function curl(url, body) {
  return within(T, new Promise((resolve, reject) => {
    const p = spawn('curl', ['-sS', '-N', '--max-time', '10', '-X', 'POST', url,
      '-H', 'content-type: application/json', '-H', 'x-api-key: sk-ant-test-0000',
      '-H', 'anthropic-version: 2023-06-01', '--data-binary', body]);
    const out = [];
    let err = '';
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`curl exit ${code}: ${err}`))));
  }), 'curl');
}

test('curl streaming call is byte-identical', async () => {
  const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 256, stream: true, messages });
  const want = await curl(`${fake.url}/v1/messages`, body);
  const got = await curl(`${gw.url}/default/anthropic/v1/messages`, body);
  assert.ok(want.includes('event: message_stop'));
  assert.ok(got.equals(want), `bodies differ:\n${got}\n---\n${want}`);
});

// An upstream that dies mid-stream must reach SDK users as an error, not as a short success.
// Each SDK must throw its own API error carrying upstream_reset (a bare connection error would
// mean the gateway cut the client's stream instead of terminating it with the error event).
const reset = { headers: { 'x-fake-reset': 'mid-stream' } };

test('mid-stream reset surfaces as an API error in the openai SDK', async () => {
  const c = viaGateway().openai;
  const err = await within(T, collect(await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, reset))
    .then(() => null, (e) => e), 'openai stream');
  assert.ok(err instanceof OpenAI.APIError, `got ${err}`);
  assert.match(JSON.stringify(err.error), /upstream_reset/);
});

test('mid-stream reset surfaces as an API error in the anthropic SDK', async () => {
  const c = viaGateway().anthropic;
  const err = await within(T, collect(await c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages, stream: true }, reset))
    .then(() => null, (e) => e), 'anthropic stream');
  assert.ok(err instanceof Anthropic.APIError, `got ${err}`);
  assert.match(`${err.message} ${JSON.stringify(err.error)}`, /upstream_reset/);
});

// @google/genai only reads SSE events that start with "data:" and only throws for
// {"error":{"code": 4xx|5xx, ...}}, so Gemini streams get a Gemini-shaped error frame.
test('mid-stream reset surfaces as an error in the google genai SDK', async () => {
  const c = viaGateway().genai;
  const err = await within(T, (async () => collect(await c.models.generateContentStream({
    model: 'gemini-2.0-flash', contents: 'Say hello', config: { httpOptions: { headers: reset.headers } },
  })))().then(() => null, (e) => e), 'genai stream');
  assert.ok(err, 'the stream must not end as a success');
  assert.match(String(err.message), /upstream_reset|502|50\d/);
});
