// Small helpers shared by the integration tests: polling with a deadline (never a bare sleep),
// a streaming HTTP client that exposes what has arrived so far, and the fake's control API.
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

// Polls fn() until it returns a truthy value; rejects after timeoutMs with `what` in the message.
export async function waitFor(fn, { timeoutMs = 5_000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

// Rejects if promise has not settled within ms.
export function within(ms, promise, what = 'operation') {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Starts a request and returns as soon as the head arrives:
//   {status, headers, rawHeaders, text() (body so far), waitForText(s, ms), done (Promise of the
//    whole body; resolves with what arrived, even on an aborted stream), ended (true once the body
//    ended cleanly), res, req, destroy()}
export function streamRequest(url, { method = 'POST', headers = {}, body, agent = false, ca, timeoutMs = 5_000 } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return within(timeoutMs, new Promise((resolve, reject) => {
    const req = mod.request(u, { method, headers, agent, ca }, (res) => {
      const chunks = [];
      const waiters = [];
      const state = { ended: false, aborted: false };
      const text = () => Buffer.concat(chunks).toString('utf8');
      const wake = () => { for (const w of waiters.splice(0)) w(); };
      res.on('data', (c) => { chunks.push(c); wake(); });
      const done = new Promise((r) => {
        res.on('end', () => { state.ended = true; wake(); r(text()); });
        res.on('aborted', () => { state.aborted = true; });
        res.on('error', () => { wake(); r(text()); });
        res.on('close', () => { wake(); r(text()); });
      });
      resolve({
        status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, res, req, done,
        text,
        get ended() { return state.ended; },
        get aborted() { return state.aborted; },
        waitForText(s, ms = 5_000) {
          return within(ms, new Promise((r) => {
            const check = () => (text().includes(s) ? r(text()) : waiters.push(check));
            check();
          }), `waiting for ${JSON.stringify(s)} (got ${JSON.stringify(text().slice(0, 300))})`);
        },
        destroy() { req.destroy(); res.destroy(); },
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  }), `${method} ${url}`);
}

// A whole request: {status, headers, rawHeaders, text, json()}.
export async function request(url, opts = {}) {
  const r = await streamRequest(url, opts);
  const text = await within(opts.timeoutMs ?? 5_000, r.done, `body of ${url}`);
  return { status: r.status, headers: r.headers, rawHeaders: r.rawHeaders, text, ended: r.ended, json: () => JSON.parse(text) };
}

export const postJson = (url, value, headers = {}, opts = {}) =>
  request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value), ...opts });

// The fake provider's control API.
export const fakeStats = async (fake) => (await request(`${fake.url}/_fake/stats`, { method: 'GET', ca: fake.ca })).json();
export const fakeRelease = (fake, id) => request(`${fake.url}/_fake/release/${encodeURIComponent(id)}`, { method: 'POST', ca: fake.ca });

// Error body check shared by the gateway's own answers: {"error":{"type","message"}}.
export function errorType(text) {
  try {
    const v = JSON.parse(text);
    return typeof v?.error?.message === 'string' ? v.error.type : `bad error body: ${text}`;
  } catch {
    return `not JSON: ${text}`;
  }
}

// The stored record of log id `id` from the gateway's admin API, once the recorder wrote it.
export async function logRecord(adminUrl, id) {
  let rec;
  await waitFor(async () => {
    const r = await request(`${adminUrl}/logs/${id}`, { method: 'GET' });
    if (r.status === 200) rec = r.json();
    return r.status === 200;
  }, { what: `record ${id}` });
  return rec;
}
