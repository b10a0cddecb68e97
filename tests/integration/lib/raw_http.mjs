// HTTP/1.1 over a bare TCP socket, for framing tests: the bytes sent are exactly the bytes given,
// and answers are parsed here (status, headers, Content-Length or chunked body, 1xx interim
// answers), so malformed requests, pipelining and keep-alive can be checked.
import net from 'node:net';

// One parsed answer: {status, reason, headers (lowercase name -> value, repeated ones joined with
// ", "), rawHeaders ([name, value, ...]), body (Buffer), text (utf8 body)}.
function parseHead(head) {
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (!m) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
  const headers = {};
  const rawHeaders = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    rawHeaders.push(name, value);
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { status: Number(m[1]), reason: m[2], headers, rawHeaders };
}

// Tries to take one whole answer off the front of buf. Returns {response, rest} or null when more
// bytes are needed. `eof` says the peer closed, which ends a body without length.
function parseResponse(buf, eof, requestMethod) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = parseHead(buf.subarray(0, end).toString('latin1'));
  let rest = buf.subarray(end + 4);
  const noBody = head.status < 200 || head.status === 204 || head.status === 304 || requestMethod === 'HEAD';
  if (noBody) return { response: { ...head, body: Buffer.alloc(0), text: '' }, rest };
  const te = head.headers['transfer-encoding'];
  if (te && /chunked/i.test(te)) {
    const parts = [];
    let pos = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', pos);
      if (lineEnd < 0) return null;
      const size = parseInt(rest.subarray(pos, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size line');
      pos = lineEnd + 2;
      if (size === 0) {
        const trailerEnd = rest.indexOf('\r\n\r\n', pos - 2);
        if (trailerEnd < 0) return null;
        const body = Buffer.concat(parts);
        return { response: { ...head, body, text: body.toString('utf8') }, rest: rest.subarray(trailerEnd + 4) };
      }
      if (rest.length < pos + size + 2) return null;
      parts.push(rest.subarray(pos, pos + size));
      pos += size + 2;
    }
  }
  if (head.headers['content-length'] !== undefined) {
    const n = Number(head.headers['content-length'].split(',')[0]);
    if (rest.length < n) return null;
    const body = rest.subarray(0, n);
    return { response: { ...head, body, text: body.toString('utf8') }, rest: rest.subarray(n) };
  }
  if (!eof) return null;
  return { response: { ...head, body: rest, text: rest.toString('utf8') }, rest: Buffer.alloc(0) };
}

export class RawConnection {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.all = Buffer.alloc(0); // every byte received, for waitForText
    this.eof = false;
    this.waiters = [];
    this.closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.all = Buffer.concat([this.all, d]);
      this.wake();
    });
    socket.on('end', () => { this.eof = true; this.wake(); });
    socket.on('close', () => { this.eof = true; this.wake(); });
    socket.on('error', () => {}); // a reset shows as eof
  }

  static connect(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  // Resolves when check() returns non-undefined, re-checking on every arrival; rejects on timeout.
  until(check, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.all.toString('latin1').slice(0, 500))}`)), timeoutMs);
      const attempt = () => {
        let v;
        try { v = check(); } catch (err) { clearTimeout(timer); return reject(err); }
        if (v !== undefined) { clearTimeout(timer); resolve(v); } else this.waiters.push(attempt);
      };
      attempt();
    });
  }

  write(bytes) {
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  // The next answer (1xx interim answers included) or rejects after timeoutMs. An eof before a
  // whole answer resolves null.
  readResponse({ timeoutMs = 5_000, method = 'GET' } = {}) {
    return this.until(() => {
      const parsed = parseResponse(this.buf, this.eof, method);
      if (parsed) {
        this.buf = Buffer.from(parsed.rest);
        return parsed.response;
      }
      return this.eof ? null : undefined;
    }, timeoutMs, 'a response');
  }

  // The next final (>= 200) answer; interim ones are collected into its `interim` array.
  async readFinal(opts) {
    const interim = [];
    for (;;) {
      const r = await this.readResponse(opts);
      if (!r || r.status >= 200) return r && { ...r, interim };
      interim.push(r);
    }
  }

  waitForText(text, timeoutMs = 5_000) {
    return this.until(() => (this.all.includes(text) ? true : undefined), timeoutMs, JSON.stringify(text));
  }

  // True if the peer closes within timeoutMs, false otherwise.
  async waitClosed(timeoutMs = 2_000) {
    try {
      await this.until(() => (this.eof ? true : undefined), timeoutMs, 'close');
      return true;
    } catch {
      return false;
    }
  }

  destroy() { this.socket.destroy(); }
}

// Sends `bytes` on a new connection and reads `count` final answers. Returns the first answer
// ({status, headers, body, text, interim}) with `responses` (all of them) and `closed` (the server
// closed the connection within closeWaitMs after the last answer).
export async function rawRequest(port, bytes, { count = 1, timeoutMs = 5_000, closeWaitMs = 1_000, method } = {}) {
  const conn = await RawConnection.connect(port);
  try {
    await conn.write(bytes);
    const responses = [];
    for (let i = 0; i < count; i++) {
      const r = await conn.readFinal({ timeoutMs, method });
      if (!r) break;
      responses.push(r);
    }
    const closed = conn.eof || (await conn.waitClosed(closeWaitMs));
    const first = responses[0] ?? { status: 0, headers: {}, body: Buffer.alloc(0), text: '' };
    return { ...first, responses, closed };
  } finally {
    conn.destroy();
  }
}
