// Durability of the request records under steady load (docs/hardening.md "Upstream faults" →
// "Durability", docs/logs.md "Durability"): SIGTERM loses no record, kill -9 loses only the
// recorder's last batch window, SIGHUP reloads drop no request and no record. Every answer the
// clients got in full is matched by its x-parapet-log-id against logs.db, read with the sqlite3
// CLI after the process has exited.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, startFakeProvider } from './lib/harness.mjs';
import { waitFor, streamRequest, fakeRelease } from './lib/util.mjs';

const CLIENTS = 6;
// The recorder's batch window (docs/logs.md): a record is committed at most this long after its
// answer was sent, plus the commit itself. kill -9 may lose the records of answers sent within it.
const BATCH_WINDOW_MS = 50;
// Allowance on top of the window for the commit and for scheduling on a loaded 2-core machine.
const SLACK_MS = 450;

const cleanup = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
const streamBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });

// One request on a keep-alive agent. Resolves {status, id, complete, at} or {error}.
function post(url, agent, stream) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve({ status: res.statusCode, id: res.headers['x-parapet-log-id'], complete: res.complete, at: Date.now() }));
      res.on('error', (error) => resolve({ error }));
      res.on('aborted', () => resolve({ error: new Error('aborted') }));
    });
    req.on('error', (error) => resolve({ error }));
    req.end(stream ? streamBody : body);
  });
}

// CLIENTS loops of back-to-back requests (every third one streamed) until stop() — or until the
// gateway stops answering. answered: every complete answer.
function load(gw) {
  const answered = [];
  const failures = [];
  let running = true;
  const loops = Array.from({ length: CLIENTS }, async (_, c) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; running; i++) {
      const r = await post(`${gw.url}/default/openai/chat/completions`, agent, (i + c) % 3 === 0);
      if (r.error) {
        failures.push(r.error);
        if (gw.proc.exitCode !== null || gw.proc.signalCode !== null || !running) break;
        continue;
      }
      if (r.complete) answered.push(r);
    }
    agent.destroy();
  });
  return {
    answered,
    failures,
    count: () => answered.length,
    async stop() { running = false; await Promise.all(loops); },
    done: () => Promise.all(loops),
  };
}

function storedIds(dataDir) {
  const out = execFileSync('sqlite3', ['-readonly', join(dataDir, 'logs.db'), 'SELECT id FROM requests'], { encoding: 'utf8' });
  return new Set(out.split('\n').filter(Boolean));
}

const configText = (fake, extra = '') => `[providers.openai]\nbase_url = "${fake.url}/v1"\n${extra}`;

async function setup() {
  const fake = await startFakeProvider();
  cleanup.push(() => fake.close());
  const gw = await startGateway({ config: configText(fake), keepData: true });
  cleanup.push(async () => {
    await gw.stop('SIGKILL');
    rmSync(gw.dataDir, { recursive: true, force: true });
  });
  return { fake, gw };
}

test('SIGTERM under load: every answered request has its record', async () => {
  const { fake, gw } = await setup();
  const l = load(gw);
  // Also a stream that is still running when the signal comes: the drain lets it finish.
  const held = await streamRequest(`${gw.url}/default/openai/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-fake-hold': 'sigterm' }, body: streamBody });
  await waitFor(() => l.count() >= 300, { timeoutMs: 20_000, what: '300 answers' });
  gw.proc.kill('SIGTERM');
  await waitFor(() => gw.output().includes('draining'), { what: 'the drain' });
  await fakeRelease(fake, 'sigterm');
  const heldText = await held.done;
  assert.match(heldText, /\[DONE\]/, 'the stream in flight finished');
  const { code } = await gw.exited;
  await l.stop();
  assert.equal(code, 0);
  const stored = storedIds(gw.dataDir);
  assert.ok(stored.has(held.headers['x-parapet-log-id']), 'the drained stream has its record');
  const lost = l.answered.filter((r) => !stored.has(r.id));
  console.log(`SIGTERM: ${l.answered.length} answered, ${stored.size} stored, ${lost.length} lost`);
  assert.equal(lost.length, 0);
});

test('kill -9 under load: only answers from the last batch window lack a record', async () => {
  // A few trials: the kill lands at a different phase of the batch window each time.
  for (let trial = 1; trial <= 3; trial++) {
    const { gw } = await setup();
    const l = load(gw);
    await waitFor(() => l.count() >= 300, { timeoutMs: 20_000, what: '300 answers' });
    const killedAt = Date.now();
    gw.proc.kill('SIGKILL');
    await gw.exited;
    await l.stop();
    const stored = storedIds(gw.dataDir);
    const lost = l.answered.filter((r) => !stored.has(r.id));
    // An answer may end just after the kill call: its age counts as 0.
    const oldest = Math.max(0, ...lost.map((r) => killedAt - r.at));
    const rate = Math.round(l.answered.length / ((killedAt - l.answered[0].at) / 1000));
    console.log(`kill -9, trial ${trial}: ${l.answered.length} answered (~${rate}/s), ${lost.length} lost, ` +
                `oldest lost answer ${oldest} ms before the kill (window ${BATCH_WINDOW_MS} ms + commit)`);
    assert.ok(oldest <= BATCH_WINDOW_MS + SLACK_MS, `a record of an answer ${oldest} ms old was lost`);
  }
});

test('SIGHUP reloads under load: no request fails, no record is lost', async () => {
  const { fake, gw } = await setup();
  const l = load(gw);
  await waitFor(() => l.count() >= 100, { timeoutMs: 20_000, what: '100 answers' });
  for (let i = 0; i < 5; i++) {
    const before = l.count();
    // Harmless but real changes: the config text differs on every reload.
    gw.writeConfig(configText(fake, `[upstream]\nmax_idle_per_host = ${10 + i}\n`));
    gw.proc.kill('SIGHUP');
    await waitFor(() => gw.output().split('config reloaded').length - 1 >= i + 1, { what: `reload ${i + 1}` });
    await waitFor(() => l.count() >= before + 50, { timeoutMs: 20_000, what: 'answers after the reload' });
  }
  await l.stop();
  assert.equal(l.failures.length, 0, String(l.failures[0]));
  const bad = l.answered.filter((r) => r.status !== 200);
  assert.equal(bad.length, 0, `statuses: ${[...new Set(bad.map((r) => r.status))]}`);
  gw.proc.kill('SIGTERM');
  assert.equal((await gw.exited).code, 0);
  const stored = storedIds(gw.dataDir);
  const lost = l.answered.filter((r) => !stored.has(r.id));
  console.log(`SIGHUP x5: ${l.answered.length} answered, all 200, ${lost.length} lost`);
  assert.equal(lost.length, 0);
});
