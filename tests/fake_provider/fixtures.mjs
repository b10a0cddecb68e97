// The fake provider's answers: which fixture file each provider endpoint returns, cut into the
// pieces the server writes one by one (one SSE event, or one JSON-array element, per piece), with
// the response headers the real provider sends. Fixtures are fixed bytes so that a call made
// directly and the same call made through the gateway can be compared byte for byte.
import { readFileSync } from 'node:fs';

const dir = new URL('./fixtures/', import.meta.url);
const load = (name) => readFileSync(new URL(name, dir), 'utf8');

// Splits an SSE fixture (LF-framed) into whole events, each ending with its blank line.
function sseEvents(text, eol = '\n') {
  return text
    .split('\n\n')
    .filter((e) => e.length > 0)
    .map((e) => e.replaceAll('\n', eol) + eol + eol);
}

const openaiHeaders = (content_type) => ({
  'content-type': content_type,
  'openai-organization': 'user-parapet-tests',
  'openai-processing-ms': '212',
  'openai-project': 'proj_F4k3Pr0v1d3rT3sts',
  'openai-version': '2020-10-01',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-limit-tokens': '200000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-remaining-tokens': '199980',
  'x-ratelimit-reset-requests': '8.64s',
  'x-ratelimit-reset-tokens': '6ms',
  'x-request-id': 'req_5b0d1e8c2f3a4b6c9d7e0f1a2b3c4d5e',
});

const anthropicHeaders = (content_type) => ({
  'content-type': content_type,
  'anthropic-organization-id': '3f5c2a1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b',
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-requests-reset': '2025-11-08T06:01:02Z',
  'request-id': 'req_011CUvZ6ZkRaEeQ9mjfDWn4D',
  'x-robots-tag': 'none',
});

const geminiHeaders = (content_type) => ({
  'content-type': content_type,
  vary: 'Origin, X-Origin, Referer',
  'x-xss-protection': '0',
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
  server: 'scaffolding on HTTPServer2',
});

const SSE = 'text/event-stream; charset=utf-8';

// OpenAI sends the usage chunk (empty choices) and `"usage":null` on every chunk only when the
// request asked for it with stream_options.include_usage.
function chatStream(body) {
  const events = sseEvents(load('openai_chat_completion_stream.sse'));
  if (body?.stream_options?.include_usage) return events;
  return events
    .filter((e) => !e.includes('"choices":[]'))
    .map((e) => e.replace(',"usage":null', ''));
}

// Gemini's default (no alt=sse) stream is one pretty-printed JSON array, sent element by element.
function geminiJsonArray() {
  const elements = sseEvents(load('gemini_stream_generate_content.sse')).map((e) =>
    JSON.stringify(JSON.parse(e.slice('data: '.length)), null, 2),
  );
  return elements.map((e, i) => (i === 0 ? '[' : '\n,\r\n') + e).concat(['\n]']);
}

// Returns {provider, status, headers, pieces} for a provider endpoint, or null for any other path.
// `provider` picks the error body shape (see errors.mjs).
export function answerFor(method, path, query, body) {
  const stream = body?.stream === true;
  if (method === 'POST' && path === '/v1/chat/completions') {
    return stream
      ? { provider: 'openai', headers: openaiHeaders(SSE), pieces: chatStream(body) }
      : { provider: 'openai', headers: openaiHeaders('application/json'),
          pieces: [load('openai_chat_completion.json')] };
  }
  if (method === 'POST' && path === '/v1/responses') {
    return stream
      ? { provider: 'openai', headers: openaiHeaders(SSE),
          pieces: sseEvents(load('openai_response_stream.sse')) }
      : { provider: 'openai', headers: openaiHeaders('application/json'),
          pieces: [load('openai_response.json')] };
  }
  if (method === 'GET' && path === '/v1/models') {
    return { provider: 'openai', headers: openaiHeaders('application/json'),
             pieces: [load('openai_models.json')] };
  }
  if (method === 'POST' && path === '/v1/messages') {
    return stream
      ? { provider: 'anthropic', headers: { ...anthropicHeaders(SSE), 'cache-control': 'no-cache' },
          pieces: sseEvents(load('anthropic_message_stream.sse')) }
      : { provider: 'anthropic', headers: anthropicHeaders('application/json'),
          pieces: [load('anthropic_message.json')] };
  }
  const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (method === 'POST' && gemini) {
    if (gemini[2] === 'generateContent') {
      return { provider: 'gemini', headers: geminiHeaders('application/json; charset=UTF-8'),
               pieces: [load('gemini_generate_content.json')] };
    }
    if (new URLSearchParams(query).get('alt') === 'sse') {
      // Gemini frames its SSE events with CRLF.
      return { provider: 'gemini', headers: geminiHeaders('text/event-stream'),
               pieces: sseEvents(load('gemini_stream_generate_content.sse'), '\r\n') };
    }
    return { provider: 'gemini', headers: geminiHeaders('application/json; charset=UTF-8'),
             pieces: geminiJsonArray() };
  }
  return null;
}

// x-fake-scenario: <provider>/<name> answers with a scenario of the translation conformance corpus
// (tests/corpus/translate/<provider>/<name>/): its recorded native answer or stream and status, so
// a client going through the compat endpoint meets tool calls, JSON mode, cached tokens, provider
// errors and mid-stream errors exactly as recorded. Returns null for an unknown scenario.
const corpus = new URL('../corpus/translate/', import.meta.url);
export function scenarioAnswer(name) {
  if (!/^(anthropic|google-ai-studio)\/[a-z0-9_]+$/.test(name)) return null;
  const dirOf = new URL(`${name}/`, corpus);
  let scenario;
  try { scenario = JSON.parse(readFileSync(new URL('scenario.json', dirOf), 'utf8')); } catch { return null; }
  const anthropic = name.startsWith('anthropic/');
  const provider = anthropic ? 'anthropic' : 'gemini';
  const status = scenario.native_status ?? 200;
  let text;
  try { text = readFileSync(new URL('native_stream.sse', dirOf), 'utf8'); } catch { text = null; }
  if (text !== null && status < 300) {
    const headers = anthropic ? { ...anthropicHeaders(SSE), 'cache-control': 'no-cache' }
                              : geminiHeaders('text/event-stream');
    return { provider, status, headers, pieces: sseEvents(text, anthropic ? '\n' : '\r\n') };
  }
  let body;
  try { body = readFileSync(new URL('native_answer.json', dirOf), 'utf8'); } catch { return null; }
  const headers = anthropic ? anthropicHeaders('application/json')
                            : geminiHeaders('application/json; charset=UTF-8');
  return { provider, status, headers, pieces: [body] };
}

// Which provider's error shape a path gets when no endpoint matched (echo paths): by prefix.
export function providerForPath(path) {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/v1beta/')) return 'gemini';
  return 'openai';
}
