// A fake AI provider for Parapet's integration tests: speaks OpenAI (chat completions, responses,
// models), Anthropic Messages and Gemini generateContent/streamGenerateContent on one port, from the
// fixtures in ./fixtures, and echoes any other request back as JSON. Request headers named
// x-fake-* switch on failures and timing (see README.md). Listens on 127.0.0.1 only.
//
// In-process:  const fake = await startFakeProvider({ tls: { key, cert } | undefined })
//              -> { port, url, requests, stats, close() }
// CLI:         node tests/fake_provider/server.mjs --port 0 [--tls-key F --tls-cert F]
//              prints "fake-provider listening port=N"
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerFor, providerForPath, scenarioAnswer } from './fixtures.mjs';
import { errorAnswer } from './errors.mjs';
import { bigStream } from './big_stream.mjs';

export async function startFakeProvider({ tls, port = 0, host = '127.0.0.1' } = {}) {
  const state = {
    requests: [],
    failCounts: new Map(),  // x-fake-fail-key → requests seen (x-fake-fail-times)
    stats: { aborted: 0, completed: 0, bigStreamBytesWritten: 0 },
    holds: new Map(), // id -> { promise, resolve }
  };
  const handler = (req, res) => {
    handle(state, req, res).catch((err) => {
      console.error('fake-provider: handler error', err);
      res.destroy();
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
                     : http.createServer(handler);
  server.keepAliveTimeout = 31_000; // distinctive: a gateway must not pass "timeout=31" on
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    port: actual,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${actual}`,
    requests: state.requests,
    stats: state.stats,
    server,
    release: (id) => hold(state, id).resolve(),
    clear() {
      state.requests.length = 0;
      Object.assign(state.stats, { aborted: 0, completed: 0, bigStreamBytesWritten: 0 });
    },
    close() {
      for (const h of state.holds.values()) h.resolve();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// The deferred a held response waits on; created by whichever of hold/release comes first.
function hold(state, id) {
  let h = state.holds.get(id);
  if (!h) {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    h = { promise, resolve };
    state.holds.set(id, h);
  }
  return h;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function control(state, req, res, path) {
  if (path === '/_fake/requests' && req.method === 'GET') return sendJson(res, 200, state.requests);
  if (path === '/_fake/requests' && req.method === 'DELETE') {
    state.requests.length = 0;
    return sendJson(res, 200, { cleared: true });
  }
  if (path === '/_fake/stats' && req.method === 'GET') return sendJson(res, 200, state.stats);
  if (path === '/_fake/stats' && req.method === 'DELETE') {
    Object.assign(state.stats, { aborted: 0, completed: 0, bigStreamBytesWritten: 0 });
    return sendJson(res, 200, state.stats);
  }
  const release = /^\/_fake\/release\/(.+)$/.exec(path);
  if (release && req.method === 'POST') {
    const id = decodeURIComponent(release[1]);
    hold(state, id).resolve();
    return sendJson(res, 200, { released: id });
  }
  return sendJson(res, 404, { error: { message: `no control endpoint ${req.method} ${path}` } });
}

async function handle(state, req, res) {
  const url = new URL(req.url, 'http://fake');
  const path = url.pathname;
  const query = url.search.slice(1);
  const raw = await readBody(req);
  if (path.startsWith('/_fake/')) return control(state, req, res, path);

  const body = raw.toString('utf8');
  state.requests.push({
    method: req.method, url: req.url, httpVersion: req.httpVersion,
    headers: req.headers, rawHeaders: req.rawHeaders, body,
  });

  // Bookkeeping: a response whose connection closes before it ends counts as aborted, unless the
  // fake itself cut it (x-fake-reset).
  let closed = false;
  res.on('finish', () => { state.stats.completed++; });
  res.on('close', () => {
    closed = true;
    if (!res.writableFinished && !res.fakeReset) state.stats.aborted++;
  });
  const cut = () => { res.fakeReset = true; req.socket.destroy(); };

  const h = req.headers;
  // x-fake-fail-times: N — the failure switches (x-fake-status, x-fake-reset: before-head,
  // x-fake-latency-ms) apply to the first N requests carrying the same x-fake-fail-key only; later
  // ones get the normal answer (for retry tests: fail twice, then succeed).
  let failing = true;
  if (h['x-fake-fail-times'] !== undefined) {
    const key = h['x-fake-fail-key'] ?? '';
    const seen = state.failCounts.get(key) ?? 0;
    state.failCounts.set(key, seen + 1);
    failing = seen < Number(h['x-fake-fail-times']);
  }
  const latency = failing ? Number(h['x-fake-latency-ms'] ?? 0) : 0;
  if (latency > 0) await sleep(latency);
  if (closed) return;
  if (failing && h['x-fake-reset'] === 'before-head') return cut();

  if (failing && h['x-fake-status']) {
    const status = Number(h['x-fake-status']);
    const provider = answerFor(req.method, path, query, null)?.provider ?? providerForPath(path);
    const err = errorAnswer(provider, status);
    const headers = { ...err.headers, 'content-length': Buffer.byteLength(err.body) };
    if (h['x-fake-retry-after']) headers['retry-after'] = h['x-fake-retry-after'];
    res.writeHead(status, headers);
    return res.end(err.body);
  }

  if (h['x-fake-stream-text']) {
    // An OpenAI chat stream whose content is the given text, 3 characters per event (for DLP:
    // a secret split across many events, as a model writes it).
    const text = decodeURIComponent(h['x-fake-stream-text']);
    const pieces = [];
    for (let i = 0; i < text.length; i += 3) {
      pieces.push(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: text.slice(i, i + 3) }, finish_reason: null }] })}\n\n`);
    }
    pieces.push('data: [DONE]\n\n');
    return sendPieces(req, res, { headers: { 'content-type': 'text/event-stream' }, pieces },
      { closed: () => closed, cut, state });
  }
  if (h['x-fake-big-stream']) {
    return bigStream(res, Number(h['x-fake-big-stream']), state.stats, () => closed);
  }

  let parsed = null;
  if (body.length > 0) {
    try { parsed = JSON.parse(body); } catch { parsed = undefined; }
  }
  let answer = h['x-fake-scenario'] ? scenarioAnswer(h['x-fake-scenario'])
                                     : answerFor(req.method, path, query, parsed);
  if (answer && req.method === 'POST' && parsed == null) {
    const err = errorAnswer(answer.provider, 400);
    answer = { status: 400, headers: err.headers, pieces: [err.body] };
  }
  if (!answer) {
    const echo = JSON.stringify({
      method: req.method, url: req.url, path, query,
      headers: req.headers, rawHeaders: req.rawHeaders, body,
    });
    answer = { headers: { 'content-type': 'application/json' }, pieces: [echo] };
  }
  await sendPieces(req, res, answer, { closed: () => closed, cut, state });
}

// Writes the head, then each piece (SSE event / array element / body), applying the timing and
// failure switches between pieces.
async function sendPieces(req, res, answer, ctx) {
  const h = req.headers;
  let pieces = answer.pieces;
  const reset = h['x-fake-reset'] === 'mid-stream';
  const holdId = h['x-fake-hold'];
  if ((reset || holdId) && pieces.length === 1) {
    // A plain body is cut in two so that "mid-stream" has a middle.
    const half = Math.floor(pieces[0].length / 2);
    pieces = [pieces[0].slice(0, half), pieces[0].slice(half)];
  }
  const headers = { ...answer.headers };
  if (h['x-fake-hop-headers']) {
    // Headers that describe this hop only; a proxy must not pass them on.
    Object.assign(headers, { connection: 'keep-alive, X-Fake-Hop', 'keep-alive': 'timeout=31', 'x-fake-hop': '1' });
  }
  if (answer.pieces.length === 1) headers['content-length'] = Buffer.byteLength(answer.pieces[0]);
  const delay = Number(h['x-fake-chunk-delay-ms'] ?? 0);
  const resetAt = Math.min(2, pieces.length - 1);
  res.writeHead(answer.status ?? 200, headers);
  res.flushHeaders();

  for (let i = 0; i < pieces.length; i++) {
    if (ctx.closed()) return;
    if (i > 0 && delay > 0) await sleep(delay);
    if (reset && i === resetAt) return ctx.cut();
    if (holdId && i === 1) {
      const held = hold(ctx.state, holdId);
      await Promise.race([held.promise, new Promise((r) => res.once('close', r))]);
      ctx.state.holds.delete(holdId);
      if (ctx.closed()) return;
    }
    // Waiting for the write callback puts the bytes in the kernel before a following cut.
    await new Promise((resolve) => {
      res.write(pieces[i], () => { res.off('close', resolve); resolve(); });
      res.once('close', resolve);
    });
  }
  res.end();
}

function parseArgs(argv) {
  const args = { port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--port') { args.port = Number(v); i++; }
    else if (k === '--host') { args.host = v; i++; }
    else if (k === '--tls-key') { args.key = v; i++; }
    else if (k === '--tls-cert') { args.cert = v; i++; }
    else throw new Error(`unknown argument ${k}`);
  }
  return args;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs(process.argv.slice(2));
  const tls = args.key ? { key: readFileSync(args.key), cert: readFileSync(args.cert) } : undefined;
  const fake = await startFakeProvider({ tls, port: args.port, host: args.host });
  console.log(`fake-provider listening port=${fake.port}`);
  const stop = () => fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
