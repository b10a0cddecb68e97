#!/usr/bin/env node
// A stand-in for the parapet binary, used only to check the integration tests themselves while the
// real gateway is not built: it follows the test contract (flags, URL scheme, header rules, error
// types, streaming, reload, drain, TLS, HTTPS_PROXY) in the plainest way Node allows. It is not the
// product and proves nothing about it. Run the suite against it with:
//   PARAPET_BIN=tests/integration/tools/stand_in_gateway.mjs node --test --test-concurrency=1 tests/integration/
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

// STAND_IN_BREAK=name,... switches one behaviour off, to check that the test for it fails:
// buffer backpressure xff parapet hop cancel errorevent reload drain maxbody
const broken = new Set((process.env.STAND_IN_BREAK ?? '').split(','));

const builtin = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  'google-ai-studio': 'https://generativelanguage.googleapis.com',
  groq: 'https://api.groq.com/openai/v1',
};
const hopByHop = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding'];

function parseArgs(argv) {
  const a = { listen: '127.0.0.1:8700', admin: '127.0.0.1:8701', upstreams: {} };
  if (argv[0] !== 'serve') throw new Error('usage: serve [flags]');
  for (let i = 1; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--upstream') {
      const eq = v.indexOf('=');
      a.upstreams[v.slice(0, eq)] = v.slice(eq + 1);
    } else a[k.slice(2).replace('-', '_')] = v;
  }
  return a;
}

// Just enough TOML: [section], key = "string" | number.
function parseToml(text) {
  const out = {};
  let section = out;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) { section = out[s[1]] = {}; continue; }
    const kv = /^("?[^"=]+"?)\s*=\s*(.+)$/.exec(line);
    if (kv) section[kv[1].replace(/"/g, '').trim()] = JSON.parse(kv[2]);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
let config;
function loadConfig() {
  const file = args.config ? parseToml(readFileSync(args.config, 'utf8')) : {};
  config = {
    upstreams: { ...builtin, ...(file.upstreams ?? {}), ...args.upstreams },
    firstByteTimeoutMs: file.upstream?.first_byte_timeout_ms ?? 60_000,
    ca: file.upstream?.ca_file ? readFileSync(file.upstream.ca_file) : undefined,
    maxBody: broken.has('maxbody') ? Infinity : file.limits?.max_body_bytes ?? 16 * 1024 * 1024,
  };
}
loadConfig();

const fail = (res, status, type, message) => {
  if (res.headersSent) return res.destroy();
  const body = JSON.stringify({ error: { type, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

function upstreamHeaders(req, host) {
  const drop = new Set(hopByHop);
  for (const n of (req.headers.connection ?? '').split(',')) drop.add(n.trim().toLowerCase());
  const out = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const lower = name.toLowerCase();
    if (broken.has('hop')) drop.clear();
    if (drop.has(lower) || (lower.startsWith('x-parapet-') && !broken.has('parapet')) || lower === 'host' ||
        lower === 'x-forwarded-for' || lower === 'expect') continue;
    out.push([name, req.rawHeaders[i + 1]]);
  }
  out.push(['host', host]);
  const xff = req.headers['x-forwarded-for'];
  if (!broken.has('xff')) out.push(['x-forwarded-for', xff ? `${xff}, ${req.socket.remoteAddress}` : req.socket.remoteAddress]);
  return out;
}

function connectViaProxy(target, proxy) {
  return new Promise((resolve, reject) => {
    const p = new URL(proxy);
    const r = http.request({ host: p.hostname, port: p.port, method: 'CONNECT', path: `${target.hostname}:${target.port || 443}` });
    r.on('connect', (res, socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`proxy ${res.statusCode}`))));
    r.on('error', reject);
    r.end();
  });
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|EPROTO|ERR_SSL/;
let inflight = 0;
let draining = false;

async function proxy(req, res) {
  const m = /^\/([^/?]+)\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(req.url);
  if (!m || m[1] !== 'default' || !config.upstreams[m[2]]) {
    return fail(res, 404, 'not_found', `no route for ${req.url}`);
  }
  if (Number(req.headers['content-length'] ?? 0) > config.maxBody) {
    res.shouldKeepAlive = false;
    return fail(res, 413, 'payload_too_large', 'request body too large');
  }
  const base = new URL(config.upstreams[m[2]]);
  const target = new URL(base.href.replace(/\/$/, '') + (m[3] ?? '') + (m[4] ?? ''));
  const secure = target.protocol === 'https:';
  const proxyUrl = process.env.HTTPS_PROXY || process.env.https_proxy;
  const opts = {
    method: req.method, hostname: target.hostname, port: target.port, path: target.pathname + target.search,
    headers: upstreamHeaders(req, target.host).flat(), ca: config.ca, agent: false,
  };
  if (secure && proxyUrl) {
    try {
      const socket = await connectViaProxy(target, proxyUrl);
      opts.createConnection = () => tls.connect({ socket, ca: config.ca, servername: undefined });
    } catch (err) {
      return fail(res, 502, 'upstream_unreachable', err.message);
    }
  }
  const up = (secure ? https : http).request(opts);
  let gotHead = false;
  const timer = setTimeout(() => {
    if (!gotHead) { up.destroy(); fail(res, 504, 'upstream_timeout', 'no first byte in time'); }
  }, config.firstByteTimeoutMs);
  up.on('error', (err) => {
    clearTimeout(timer);
    if (gotHead) return;
    if (tlsCodes.test(err.code ?? '')) return fail(res, 502, 'upstream_tls_error', err.message);
    fail(res, 502, 'upstream_unreachable', err.message);
  });
  res.on('close', () => { if (!res.writableFinished && !broken.has('cancel')) up.destroy(); });
  let size = 0;
  req.on('data', (d) => {
    size += d.length;
    if (size > config.maxBody) { up.destroy(); res.shouldKeepAlive = false; fail(res, 413, 'payload_too_large', 'too large'); }
  });
  req.pipe(up);
  up.on('response', (ur) => {
    gotHead = true;
    clearTimeout(timer);
    const drop = new Set(hopByHop);
    for (const n of (ur.headers.connection ?? '').split(',')) drop.add(n.trim().toLowerCase());
    const headers = [];
    for (let i = 0; i < ur.rawHeaders.length; i += 2) {
      if (!drop.has(ur.rawHeaders[i].toLowerCase())) headers.push(ur.rawHeaders[i], ur.rawHeaders[i + 1]);
    }
    res.writeHead(ur.statusCode, headers);
    res.flushHeaders();
    if (broken.has('buffer')) {
      const parts = [];
      ur.on('data', (d) => parts.push(d));
      ur.on('end', () => res.end(Buffer.concat(parts)));
    } else if (broken.has('backpressure')) {
      ur.on('data', (d) => res.write(d));
      ur.on('end', () => res.end());
    } else {
      ur.pipe(res, { end: false });
      ur.on('end', () => res.end());
    }
    ur.on('aborted', () => {
      if (/text\/event-stream/.test(ur.headers['content-type'] ?? '') && !broken.has('errorevent')) {
        res.end('event: error\ndata: {"type":"error","error":{"type":"upstream_reset","message":"upstream closed mid-stream"}}\n\n');
      } else res.destroy();
    });
  });
}

const data = http.createServer((req, res) => {
  inflight++;
  res.on('close', () => { inflight--; if (draining && inflight === 0) process.exit(0); });
  proxy(req, res).catch((err) => fail(res, 500, 'internal', err.message));
});
data.on('clientError', (err, socket) => {
  const body = JSON.stringify({ error: { type: 'bad_request', message: err.code ?? 'bad request' } });
  socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
});
const admin = http.createServer((req, res) => {
  const reply = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (req.url === '/healthz') return reply(200, { status: 'ok' });
  if (req.url === '/readyz') return reply(draining ? 503 : 200, { ready: !draining });
  if (req.url === '/version') return reply(200, { version: '0.0.0-stand-in' });
  reply(404, { error: { type: 'not_found', message: req.url } });
});

const [lh, lp] = args.listen.split(':');
const [ah, ap] = args.admin.split(':');
data.listen(Number(lp), lh, () => admin.listen(Number(ap), ah, () => {
  console.log(`listening data=${lh}:${data.address().port} admin=${ah}:${admin.address().port}`);
}));
process.on('SIGHUP', () => { if (!broken.has('reload')) loadConfig(); });
process.on('SIGTERM', () => {
  if (broken.has('drain')) process.exit(0);
  draining = true;
  data.close();
  data.closeIdleConnections();
  if (inflight === 0) process.exit(0);
});
