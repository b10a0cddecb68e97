// Rate limits and spend budgets (docs/limits.md) through the real binary with two workers, so
// every count crosses workers: connections are opened one per request (agent: false) and the
// kernel spreads them over both workers' SO_REUSEPORT listeners.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { waitFor, streamRequest } from './lib/util.mjs';

// Windows of a day: fixed windows are aligned to the epoch, so a test never straddles a reset
// unless it runs across midnight UTC.
const CONFIG = `
[server]
workers = 2
[gateways.default]
[gateways.rl]
[[gateways.rl.limits]]
id = "rl-gateway"
requests = 3
window = "1d"
[gateways.burst]
[[gateways.burst.limits]]
id = "burst-50"
scope = "metadata.round"
requests = 50
window = "1d"
[gateways.ip]
[[gateways.ip.limits]]
id = "per-ip"
scope = "ip"
requests = 2
window = "1d"
[gateways.meta]
[[gateways.meta.limits]]
id = "per-user"
scope = "metadata.user"
requests = 2
window = "1d"
kind = "sliding"
[gateways.tok]
[[gateways.tok.limits]]
id = "tpd"
tokens = 50
window = "1d"
[gateways.bud]
[[gateways.bud.budgets]]
id = "bud-day"
limit_usd = "0.05"
period = "day"
[gateways.settle]
[[gateways.settle.budgets]]
id = "settle-day"
scope = "key"
limit_usd = "0.001"
[gateways.hup]
[[gateways.hup.limits]]
id = "hup-count"
requests = 2
window = "1d"
[gateways.adm]
[gateways.persist]
[[gateways.persist.budgets]]
id = "persist-month"
limit_usd = "0.05"
period = "month"
`;

let fake;
let gw;
const upstreams = () => ({ openai: `${fake.url}/v1` });

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: upstreams(), config: CONFIG, keepData: true });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const chat = (extra = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra });

// One request on a fresh connection: {status, headers, json}.
function post(path, { headers = {}, body = chat(), localAddress, base = gw.url } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, {
      method: 'POST', agent: false, localAddress,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, json, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function admin(method, path, body) {
  const res = await fetch(`${gw.adminUrl}${path}`, {
    method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

async function ruleUsage(id) {
  const { json } = await admin('GET', '/limits');
  return json.rules.find((r) => r.id === id);
}

test('the N+1th request gets 429 rate_limited with retry-after and x-ratelimit-* headers', async () => {
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await post('/rl/openai/chat/completions')).status);
  assert.deepEqual(statuses, [200, 200, 200]);
  const r = await post('/rl/openai/chat/completions');
  assert.equal(r.status, 429);
  assert.equal(r.json.error.type, 'rate_limited');
  assert.match(r.json.error.message, /rl-gateway/);
  assert.equal(r.headers['x-ratelimit-limit'], '3');
  assert.equal(r.headers['x-ratelimit-remaining'], '0');
  const reset = Number(r.headers['x-ratelimit-reset']);
  assert.ok(reset > 0 && reset <= 86400, `reset ${reset}`);
  assert.equal(Number(r.headers['retry-after']), reset);
  assert.ok(r.headers['x-parapet-log-id']);
  // The refusal is logged once, as rate_limited; the fake saw only the three admitted requests.
  const rec = await waitFor(async () => {
    const res = await fetch(`${gw.adminUrl}/logs/${r.headers['x-parapet-log-id']}`);
    return res.status === 200 ? res.json() : null;
  }, { what: 'the 429 record' });
  assert.equal((rec.record ?? rec).error_type, 'rate_limited');
  const u = await ruleUsage('rl-gateway');
  assert.deepEqual(u.usage.map((x) => [x.scope, x.used, x.remaining]), [['rl', 3, 0]]);
});

test('200 concurrent requests across 2 workers: a request limit of 50 admits at most 50', async () => {
  // Each round has its own bucket (scope metadata.round). Every round must hold the bound; the
  // rounds go on until one had admissions on both workers, so the merge of their slots was really
  // exercised (which worker wins the first 50 is up to the scheduler).
  let limited = 0;
  let merged = false;
  for (let round = 0; round < 6 && !merged; round++) {
    const headers = { 'x-fake-latency-ms': '100', 'x-parapet-metadata': JSON.stringify({ round: `r${round}` }) };
    const results = await Promise.all(Array.from({ length: 200 }, () => post('/burst/openai/chat/completions', { headers })));
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429 && r.json.error.type === 'rate_limited').length;
    limited += refused;
    console.log(`# request limit 50, round ${round}: ${ok} admitted, ${refused} refused of 200 concurrent`);
    assert.equal(ok + refused, 200);
    // Never more than the limit; at most W-1 = 1 fewer (a refusal caused by the other worker's
    // increment that was then undone).
    assert.ok(ok <= 50 && ok >= 49, `${ok} admitted`);
    const u = (await ruleUsage('burst-50')).usage.find((x) => x.scope === `r${round}`);
    assert.equal(u.used, ok);
    console.log(`# per worker: ${JSON.stringify(u.per_worker)}`);
    assert.equal(u.per_worker.length, 2);
    assert.equal(u.per_worker[0] + u.per_worker[1], ok);
    merged = u.per_worker.every((n) => n > 0);
  }
  assert.ok(merged, 'no round had admissions on both workers');
  // (The kernel spreads fresh connections over both workers' SO_REUSEPORT listeners by a hash of
  // the client port.)
  const metrics = await (await fetch(`${gw.adminUrl}/metrics`)).text();
  assert.match(metrics, new RegExp(`parapet_limit_refused_total\\{rule="burst-50",type="rate"\\} ${limited}\n`));
});

test('per-IP scope: each client address has its own count', async () => {
  const from = async (addr) => (await post('/ip/openai/chat/completions', { localAddress: addr })).status;
  assert.deepEqual([await from('127.0.0.1'), await from('127.0.0.1'), await from('127.0.0.1')], [200, 200, 429]);
  assert.deepEqual([await from('127.0.0.2'), await from('127.0.0.2'), await from('127.0.0.2')], [200, 200, 429]);
  const scopes = (await ruleUsage('per-ip')).usage.map((x) => x.scope).sort();
  assert.deepEqual(scopes, ['127.0.0.1', '127.0.0.2']);
});

test('per-metadata scope: x-parapet-metadata user buckets, missing field shares "anonymous"', async () => {
  const as = async (meta) => (await post('/meta/openai/chat/completions', {
    headers: meta ? { 'x-parapet-metadata': JSON.stringify(meta) } : {},
  })).status;
  assert.deepEqual([await as({ user: 'ann' }), await as({ user: 'ann', team: 'x' }), await as({ user: 'ann' })], [200, 200, 429]);
  assert.deepEqual([await as({ user: 'bob' }), await as({ user: 'bob' })], [200, 200]);
  assert.deepEqual([await as(null), await as({ team: 'x' }), await as(null)], [200, 200, 429]);
  const scopes = (await ruleUsage('per-user')).usage.map((x) => x.scope).sort();
  assert.deepEqual(scopes, ['ann', 'anonymous', 'bob']);
});

test('token limit: checked before the request, counted from usage after the answer', async () => {
  // The fake's chat completion reports 19 + 9 = 28 tokens.
  assert.equal((await post('/tok/openai/chat/completions')).status, 200);
  assert.equal((await ruleUsage('tpd')).usage[0].used, 28);
  assert.equal((await post('/tok/openai/chat/completions')).status, 200);  // 28 < 50: admitted
  const r = await post('/tok/openai/chat/completions');                     // 56 >= 50
  assert.equal(r.status, 429);
  assert.equal(r.headers['x-ratelimit-limit'], '50');
  assert.equal(r.headers['x-ratelimit-remaining'], '0');
});

test('200 concurrent requests never overshoot a budget', async () => {
  // Each request costs exactly what it reserves (x-parapet-custom-cost total), so any overshoot
  // would show in the spend; the fake holds answers 300 ms so all 200 are in flight together.
  const headers = { 'x-parapet-custom-cost': '{"total_cost":0.001}', 'x-fake-latency-ms': '300' };
  const results = await Promise.all(Array.from({ length: 200 }, () => post('/bud/openai/chat/completions', { headers })));
  const ok = results.filter((r) => r.status === 200).length;
  const refused = results.filter((r) => r.status === 429);
  assert.equal(ok + refused.length, 200);
  for (const r of refused) assert.equal(r.json.error.type, 'budget_exceeded');
  const u = (await ruleUsage('bud-day')).usage[0];
  const limit = 50_000;
  const overshoot = u.spent_micros - limit;
  console.log(`# budget: ${ok} admitted, ${refused.length} refused, spent ${u.spent_micros} µ$ of ${limit}, worst overshoot ${Math.max(0, overshoot)} µ$`);
  assert.equal(u.reserved_micros, 0);
  assert.ok(u.spent_micros <= limit, `spent ${u.spent_micros} > ${limit}`);
  assert.equal(ok, 50);  // exactly the budget: no overshoot and no spurious refusal
  assert.equal(u.spent_micros, 50_000);
  assert.match(refused[0].json.error.message, /budget 'bud-day'.*limit \$0\.05, spent \$0\.0\d+.*remaining \$0\.0/);
  assert.ok(Number(refused[0].headers['retry-after']) > 0);
});

test('settle releases the unused reservation; an in-flight reservation blocks others', async () => {
  // Worst case at table prices (gpt-4o-mini: $0.15 / $0.60 per 1M): ~100 body bytes as prompt
  // tokens + max_tokens 1000 ≈ 615 µ$ of a 1000 µ$ budget; the real answer costs 8 µ$.
  const body = chat({ max_tokens: 1000 });
  for (let i = 0; i < 3; i++) {
    const r = await post('/settle/openai/chat/completions', { body });
    assert.equal(r.status, 200, r.text);  // without the release the second would not fit
  }
  let u = (await ruleUsage('settle-day')).usage[0];
  assert.equal(u.scope, 'anonymous');
  assert.equal(u.reserved_micros, 0);
  assert.ok(u.spent_micros > 0 && u.spent_micros < 100, `spent ${u.spent_micros}`);
  const spentBefore = u.spent_micros;

  const held = await streamRequest(`${gw.url}/settle/openai/chat/completions`, {
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk', 'x-fake-hold': 'settle1' },
    body: chat({ max_tokens: 1000, stream: true }),
  });
  assert.equal(held.status, 200);
  u = (await ruleUsage('settle-day')).usage[0];
  assert.ok(u.reserved_micros > 500, `reserved ${u.reserved_micros}`);
  const blocked = await post('/settle/openai/chat/completions', { body });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.json.error.type, 'budget_exceeded');
  assert.match(blocked.json.error.message, /remaining \$0\.000\d+; this request may cost up to \$0\.0006/);
  await fake.release('settle1');
  await held.done;
  await waitFor(async () => (await ruleUsage('settle-day')).usage[0].reserved_micros === 0, { what: 'the settle' });
  u = (await ruleUsage('settle-day')).usage[0];
  assert.ok(u.spent_micros > spentBefore && u.spent_micros < 100);
  assert.equal((await post('/settle/openai/chat/completions', { body })).status, 200);
});

test('a model without a price under a budget is refused unless a custom cost is sent', async () => {
  const body = chat({ model: 'no-such-model-xyz' });
  const r = await post('/settle/openai/chat/completions', { body });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /no-such-model-xyz.*has no price/);
  const c = await post('/settle/openai/chat/completions', { body, headers: { 'x-parapet-custom-cost': '{"total_cost":0.000001}' } });
  assert.equal(c.status, 200);
});

test('a SIGHUP reload keeps the counters', async () => {
  assert.equal((await post('/hup/openai/chat/completions')).status, 200);
  assert.equal((await post('/hup/openai/chat/completions')).status, 200);
  const gen = async () => (await (await fetch(`${gw.adminUrl}/version`)).json()).config_generation;
  const before = await gen();
  gw.writeConfig(CONFIG.replace('[gateways.adm]', '[gateways.adm]\nlog_bodies = true'));
  gw.proc.kill('SIGHUP');
  await waitFor(async () => (await gen()) > before, { what: 'the reload' });
  const r = await post('/hup/openai/chat/completions');
  assert.equal(r.status, 429);
  assert.equal(r.headers['x-ratelimit-limit'], '2');
});

test('admin API and CLI: add, list usage and remove take effect without a restart', async () => {
  const added = await admin('POST', '/limits', { id: 'adm-one', gateway: 'adm', scope: 'key', requests: 1, window: '1d' });
  assert.equal(added.status, 201, JSON.stringify(added.json));
  assert.equal(added.json.rule.type, 'rate');
  assert.equal((await post('/adm/openai/chat/completions')).status, 200);
  assert.equal((await post('/adm/openai/chat/completions')).status, 429);
  const dup = await admin('POST', '/limits', { id: 'adm-one', gateway: 'adm', requests: 1, window: '1d' });
  assert.equal(dup.status, 400);
  const bad = await admin('POST', '/limits', { id: 'x', gateway: 'adm', requests: 1 });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /window/);
  assert.equal((await admin('DELETE', '/limits/rl-gateway')).status, 403);  // config rules live in the file

  const cli = (...args) => execFileSync(parapetBin(), ['limits', '--admin', gw.adminUrl.replace('http://', ''), ...args], { encoding: 'utf8' });
  assert.match(cli('list'), /adm-one\s+rate\s+adm\s+key\s+1 requests\/1d fixed\s+admin/);
  assert.match(cli('usage'), /adm-one\s+key\s+anonymous\s+1 \/ 1/);
  assert.match(cli('remove', 'adm-one'), /removed adm-one/);
  assert.equal((await post('/adm/openai/chat/completions')).status, 200);
  assert.match(cli('add', '--id', 'adm-budget', '--gateway', 'adm', '--limit-usd', '0.000001', '--period', 'month'), /added adm-budget/);
  const r = await post('/adm/openai/chat/completions');
  assert.equal(r.status, 429);
  assert.equal(r.json.error.type, 'budget_exceeded');
  const listed = JSON.parse(cli('--json', 'list'));
  assert.equal(listed.rules.find((x) => x.id === 'adm-budget').period, 'month');
  cli('remove', 'adm-budget');
  assert.equal((await post('/adm/openai/chat/completions')).status, 200);
});

test('requests that name no model pass budgets; /metrics counts refusals per rule', async () => {
  const res = await fetch(`${gw.url}/settle/openai/models`, { headers: { authorization: 'Bearer sk' } });
  assert.equal(res.status, 200);
  const bad = await admin('POST', '/limits', { id: 'ghost', gateway: 'no-such-gateway', requests: 1, window: '1s' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /no gateway 'no-such-gateway'/);
  const metrics = await (await fetch(`${gw.adminUrl}/metrics`)).text();
  const refused = (rule) => Number(new RegExp(`parapet_limit_refused_total\\{[^}]*rule="${rule}"[^}]*\\} (\\d+)`).exec(metrics)?.[1]);
  assert.equal(refused('bud-day'), 150);
  assert.equal(refused('rl-gateway'), 1);
  assert.match(metrics, /parapet_budget_spent_micros\{rule="bud-day"\} 50000/);
  assert.match(metrics, /parapet_budget_reserved_micros\{rule="bud-day"\} 0/);
});

test('budget spend and admin rules survive a restart', async () => {
  const headers = { 'x-parapet-custom-cost': '{"total_cost":0.03}' };
  assert.equal((await post('/persist/openai/chat/completions', { headers })).status, 200);
  assert.equal((await admin('POST', '/limits', { id: 'kept', gateway: 'adm', requests: 1, window: '1d' })).status, 201);
  await gw.stop();  // drains: every record reaches the store
  gw = await startGateway({ upstreams: upstreams(), config: CONFIG, keepData: true, dataDir: gw.dataDir });
  const u = (await ruleUsage('persist-month')).usage[0];
  assert.equal(u.spent_micros, 30_000);
  const r = await post('/persist/openai/chat/completions', { headers });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.type, 'budget_exceeded');
  assert.ok((await ruleUsage('kept')), 'the admin rule is back');
});
