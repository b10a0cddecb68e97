// The admin API's token (docs/admin.md): with PARAPET_ADMIN_TOKEN set, every admin endpoint but
// the probes, the status summary and the Slack slash command (its own HMAC) wants
// `Authorization: Bearer TOKEN`; the CLI sends the same variable. Unset: no check (the default
// admin listener is 127.0.0.1 only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { request } from './lib/util.mjs';

const run = promisify(execFile);
const TOKEN = 'adm-test-7f3c1d9e';
let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: { openai: `${fake.url}/v1` }, env: { PARAPET_ADMIN_TOKEN: TOKEN } });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const get = (path, headers = {}) => request(`${gw.adminUrl}${path}`, { method: 'GET', headers });

test('without the token: 401 with a JSON error on every guarded endpoint and method', async () => {
  for (const path of ['/keys', '/admin/keys', '/logs', '/stats', '/metrics', '/cache', '/rules', '/incidents', '/logs/export?format=jsonl', '/version']) {
    const r = await get(path);
    assert.equal(r.status, 401, path);
    assert.equal(r.json().error.type, 'unauthorized', path);
  }
  const post = await request(`${gw.adminUrl}/rules/rollback`, { method: 'POST' });
  assert.equal(post.status, 401);
  for (const bad of ['Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`, 'Bearer ']) {
    assert.equal((await get('/keys', { authorization: bad })).status, 401, bad);
  }
});

test('with the token: served; the scheme is case-insensitive', async () => {
  assert.equal((await get('/keys', { authorization: `Bearer ${TOKEN}` })).status, 200);
  assert.equal((await get('/admin/stats', { authorization: `bearer ${TOKEN}` })).status, 200);
  const m = await get('/metrics', { authorization: `Bearer ${TOKEN}` });
  assert.equal(m.status, 200);
  assert.match(m.text, /^parapet_/m);
});

test('probes, the status summary and the Slack endpoint stay open', async () => {
  assert.equal((await get('/healthz')).status, 200);
  assert.equal((await get('/readyz')).status, 200);
  assert.equal((await get('/status/summary.json')).status, 200);
  // The slash command answers by its own signature check (no secret configured: 503), not 401.
  const slack = await request(`${gw.adminUrl}/incidents/slack`, { method: 'POST', body: 'text=list' });
  assert.notEqual(slack.status, 401);
});

test('the CLI sends PARAPET_ADMIN_TOKEN; without it the command fails with the 401', async () => {
  const admin = `127.0.0.1:${gw.adminPort}`;
  const ok = await run(parapetBin(), ['keys', '--admin', admin, 'list'], { env: { ...process.env, PARAPET_ADMIN_TOKEN: TOKEN } });
  assert.equal(typeof ok.stdout, 'string');
  const env = { ...process.env };
  delete env.PARAPET_ADMIN_TOKEN;
  await assert.rejects(run(parapetBin(), ['keys', '--admin', admin, 'list'], { env }), /401|Authorization/);
});
