// A raw TCP "provider" that misbehaves on purpose, for the upstream fault table
// (tests/integration/upstream_faults.test.mjs, docs/hardening.md "Upstream faults"). node:http
// cannot send a malformed answer, so this speaks HTTP/1.1 by hand. Listens on 127.0.0.1 only.
//
// The request header `x-fault: NAME` picks what happens once the request (head and
// Content-Length body) has arrived; without it the answer is a normal keep-alive JSON completion.
// A connection on which a fault was acted out is marked: any later request on it is counted in
// stats.reusedAfterFault, which must stay 0 (the gateway must never pool a faulted connection).
//
//   const f = await startFaultServer({ tls: { key, cert } | undefined })
//   f.port, f.url, f.stats {connections, requests, reusedAfterFault}, await f.close()
import net from 'node:net';
import tls from 'node:tls';

const completion = JSON.stringify({
  id: 'chatcmpl-fault', object: 'chat.completion', created: 1700000000, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
const sseEvent = (i) =>
  `data: {"id":"chatcmpl-fault","object":"chat.completion.chunk","created":1700000000,` +
  `"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"piece${i} "},"finish_reason":null}]}\n\n`;
const chunk = (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
const sseHead = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
const jsonHead = (status, extra = '') =>
  `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\n${extra}`;

// Each fault gets the socket; it writes what it wants and then resets, closes or stalls.
// `later(ms, fn)` runs fn after ms unless the socket is gone, so bytes already written are read
// by the gateway before a reset (an RST can otherwise discard them in the receiver's kernel).
const faults = {
  'reset-before-head': (s) => s.resetAndDestroy(),
  'close-before-head': (s) => s.end(),
  'partial-head': (s) => s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n'),
  'stall-head': () => {},
  'huge-head': (s) => {
    s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n');
    for (let i = 0; i < 100; i++) s.write(`x-filler-${i}: ${'a'.repeat(1000)}\r\n`);
    s.end('content-length: 2\r\n\r\n{}');
  },
  'drip-head': (s, later) => {  // one byte of the head every 50 ms: the first-byte deadline covers it all
    const head = jsonHead('200 OK', `content-length: ${completion.length}\r\n\r\n`);
    const drip = (i) => { if (i < head.length) { s.write(head[i]); later(50, () => drip(i + 1)); } };
    drip(0);
  },
  'endless-100': (s, later) => {  // interim answers forever, never the real one
    const more = () => { s.write('HTTP/1.1 100 Continue\r\n\r\n'); later(50, more); };
    more();
  },
  'length-and-chunked': (s) =>  // both framings at once (a smuggling shape): refused
    s.end(jsonHead('200 OK', 'content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n') + chunk(completion) + '0\r\n\r\n'),
  'two-lengths': (s) =>
    s.end(jsonHead('200 OK', `content-length: 5\r\ncontent-length: ${completion.length}\r\n\r\n`) + completion),
  'bad-status-line': (s) => s.end('HTTP/1.1 2x0 OK\r\ncontent-length: 2\r\n\r\n{}'),
  'bad-header': (s) => s.end('HTTP/1.1 200 OK\r\nthis is not a header\r\ncontent-length: 2\r\n\r\n{}'),
  'not-http': (s) => s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'),
  'reset-after-head': (s, later) => {
    s.write(jsonHead('200 OK', `content-length: ${completion.length}\r\n\r\n`));
    later(100, () => s.resetAndDestroy());
  },
  'reset-mid-body': (s, later) => {
    s.write(jsonHead('200 OK', `content-length: ${completion.length}\r\n\r\n`) + completion.slice(0, 40));
    later(100, () => s.resetAndDestroy());
  },
  'truncated-length': (s) =>
    s.end(jsonHead('200 OK', `content-length: ${completion.length}\r\n\r\n`) + completion.slice(0, 40)),
  'truncated-chunked': (s) =>
    s.end(jsonHead('200 OK', 'transfer-encoding: chunked\r\n\r\n') + chunk(completion.slice(0, 40))),
  'bad-chunk': (s, later) => {
    s.write(jsonHead('200 OK', 'transfer-encoding: chunked\r\n\r\n') + chunk(completion.slice(0, 40)));
    later(100, () => s.end('zz\r\n'));
  },
  'stall-mid-body': (s) =>
    s.write(jsonHead('200 OK', `content-length: ${completion.length}\r\n\r\n`) + completion.slice(0, 40)),
  'sse-reset': (s, later) => {
    s.write(sseHead + chunk(sseEvent(0)) + chunk(sseEvent(1)));
    later(100, () => s.resetAndDestroy());
  },
  'sse-truncated': (s) => s.end(sseHead + chunk(sseEvent(0)) + chunk(sseEvent(1))),
  'sse-stall': (s) => s.write(sseHead + chunk(sseEvent(0))),
  'sse-endless': (s, later) => {  // an event every 50 ms forever: never idle, only the total deadline ends it
    s.write(sseHead);
    const more = (i) => { s.write(chunk(sseEvent(i))); later(50, () => more(i + 1)); };
    more(0);
  },
  'sse-bad-chunk': (s, later) => {
    s.write(sseHead + chunk(sseEvent(0)));
    later(100, () => s.end('not-hex\r\n'));
  },
  'malformed-answer': (s) =>  // the whole answer in one read: broken before any byte went out
    s.end(jsonHead('200 OK', 'transfer-encoding: chunked\r\n\r\n') + chunk(completion.slice(0, 40)) + 'zz\r\n'),
  'overlong-body': (s) =>  // bytes past Content-Length: a whole smuggled second answer
    s.write(jsonHead('200 OK', `content-length: ${completion.length}\r\n\r\n`) + completion +
            jsonHead('200 OK', 'content-length: 21\r\n\r\n') + '{"smuggled":"answer"}'),
  'close-delimited': (s) =>  // no length, no chunking: the close ends the body (a whole answer)
    s.end(jsonHead('200 OK', 'connection: close\r\n\r\n') + completion),
  'close-delimited-reset': (s, later) => {  // ... but a reset is not an end
    s.write(jsonHead('200 OK', 'connection: close\r\n\r\n') + completion.slice(0, 40));
    later(100, () => s.resetAndDestroy());
  },
  'invalid-json': (s) => s.end(jsonHead('200 OK', 'content-length: 9\r\n\r\n') + '{not json'),
  'status-500': (s) => answer(s, '500 Internal Server Error', '{"error":{"message":"boom","type":"server_error"}}'),
  'status-503': (s) => answer(s, '503 Service Unavailable', '{"error":{"message":"overloaded","type":"server_error"}}'),
  'status-429': (s) => answer(s, '429 Too Many Requests', '{"error":{"message":"slow down","type":"requests"}}',
                              'retry-after: 7\r\n'),
};
// Answers that are complete and well-formed: the connection may be pooled afterwards.
const wellFormed = new Set(['close-delimited', 'invalid-json', 'status-500', 'status-503', 'status-429']);

function answer(s, status, body, extra = '') {
  s.write(jsonHead(status, `${extra}content-length: ${Buffer.byteLength(body)}\r\n\r\n`) + body);
}

export const faultNames = Object.keys(faults);

export async function startFaultServer({ tls: tlsOpts, host = '127.0.0.1' } = {}) {
  const stats = { connections: 0, requests: 0, reusedAfterFault: 0 };
  const sockets = new Set();
  const onSocket = (s) => {
    stats.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    let faulted = false;
    const timers = new Set();
    s.once('close', () => { for (const t of timers) clearTimeout(t); });
    const later = (ms, fn) => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!s.destroyed) fn();
      }, ms);
      timers.add(t);
    };
    s.on('data', (d) => {
      if (faulted) {
        stats.reusedAfterFault++;
        s.destroy();
        return;
      }
      buf = Buffer.concat([buf, d]);
      if (buf[0] === 0x16) {  // a TLS ClientHello on the plain port: answer as a web server would
        faulted = true;
        s.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        buf = buf.subarray(end + 4 + length);
        stats.requests++;
        const name = /^x-fault:\s*(\S+)/im.exec(head)?.[1];
        if (!name) {
          answer(s, '200 OK', completion);
          continue;
        }
        const fault = faults[name];
        if (!fault) {
          answer(s, '400 Bad Request', JSON.stringify({ error: { message: `unknown fault ${name}` } }));
          continue;
        }
        faulted = !wellFormed.has(name);
        fault(s, later);
        if (faulted) return;
      }
    });
  };
  const server = tlsOpts ? tls.createServer({ key: tlsOpts.key, cert: tlsOpts.cert }, onSocket)
                         : net.createServer(onSocket);
  if (tlsOpts) server.on('tlsClientError', () => {});
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = server.address().port;
  return {
    port,
    url: `${tlsOpts ? 'https' : 'http'}://127.0.0.1:${port}`,
    stats,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// A port nothing listens on: bound by the OS, then released.
export async function closedPort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
