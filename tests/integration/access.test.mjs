// Access: authenticated gateways (gateway tokens) and virtual keys — the client presents a Parapet
// key, the provider sees the stored real key, and neither crosses to the other side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { waitFor } from './lib/util.mjs';

const REAL_OPENAI = 'sk-proj-REAL-openai-key-0123456789';
const REAL_ANTHROPIC = 'sk-ant-REAL-anthropic-key-0123456789';
const REAL_GOOGLE = 'AIza-REAL-google-key-0123456789';

const CONFIG = `
[gateways.default]
auth = true
[gateways.open]
`;

let fake;
let gw;
const upstreams = () => ({ openai: `${fake.url}/v1`, anthropic: fake.url, 'google-ai-studio': fake.url });

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: upstreams(), config: CONFIG, keepData: true });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

async function admin(method, path, body) {
  const res = await fetch(`${gw.adminUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

const createVirtual = async (provider, provider_key, extra = {}) => {
  const r = await admin('POST', '/keys', { kind: 'virtual_key', name: `${provider}-team`, provider, provider_key, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.match(r.json.secret, /^pvk_[a-z2-9]{12}_[a-z2-9]{32}$/);
  return r.json;
};

const chatBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const post = (path, headers = {}, body = chatBody) =>
  fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const lastUpstream = () => fake.requests[fake.requests.length - 1];
const rawHeaderText = (r) => r.rawHeaders.join('\n');

test('a virtual key reaches OpenAI as the stored key; the client never sees it', async () => {
  const vk = await createVirtual('openai', REAL_OPENAI);
  const client = new OpenAI({ apiKey: vk.secret, baseURL: `${gw.url}/default/openai`, maxRetries: 0 });
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  assert.ok(data.choices[0].message.content.length > 0);
  const up = lastUpstream();
  assert.equal(up.headers.authorization, `Bearer ${REAL_OPENAI}`);
  assert.ok(!rawHeaderText(up).includes('pvk_'), 'the virtual key never goes upstream');
  for (const [, v] of response.headers) assert.ok(!v.includes('REAL'), 'no real key in the answer head');
  assert.ok(!JSON.stringify(data).includes('REAL'));

  // The record carries the key id, never a secret.
  const id = vk.key.id;
  const logs = await waitFor(async () => {
    const r = await admin('GET', `/logs?key_id=${id}`);
    return r.json.records?.length ? r.json.records : null;
  }, { what: 'a record with the key id' });
  assert.equal(logs[0].key_id, id);
  assert.ok(!JSON.stringify(logs).includes(vk.secret.split('_')[2]));
});

test('virtual keys work with the Anthropic SDK, in x-api-key and in Gemini\'s ?key=', async () => {
  const vk = await createVirtual('anthropic', REAL_ANTHROPIC);
  const client = new Anthropic({ apiKey: vk.secret, baseURL: `${gw.url}/default/anthropic`, maxRetries: 0 });
  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(msg.type, 'message');
  // This SDK version sends its key as `authorization: Bearer`; whichever field carries it is swapped.
  assert.ok(rawHeaderText(lastUpstream()).includes(REAL_ANTHROPIC));
  assert.ok(!rawHeaderText(lastUpstream()).includes('pvk_'));
  const raw = await post('/default/anthropic/v1/messages', { 'x-api-key': vk.secret, 'anthropic-version': '2023-06-01' },
                         JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }));
  assert.equal(raw.status, 200, await raw.text());
  assert.equal(lastUpstream().headers['x-api-key'], REAL_ANTHROPIC);

  const g = await createVirtual('google-ai-studio', REAL_GOOGLE);
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  const res = await post(`/default/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent?key=${g.secret}`, {}, body);
  assert.equal(res.status, 200, await res.text());
  assert.ok(lastUpstream().url.endsWith(`:generateContent?key=${REAL_GOOGLE}`), lastUpstream().url);
});

test('an authenticated gateway wants a gateway token; other gateways stay open', async () => {
  let res = await post('/default/openai/chat/completions', { authorization: 'Bearer sk-client-own' });
  assert.equal(res.status, 401);
  const err = await res.json();
  assert.equal(err.error.type, 'unauthorized');
  assert.match(err.error.message, /x-parapet-authorization/);
  assert.ok(res.headers.get('x-parapet-log-id'));

  const tok = await admin('POST', '/keys', { kind: 'gateway_token', name: 'ci', gateways: ['default'] });
  assert.equal(tok.status, 201);
  fake.requests.length = 0;
  res = await post('/default/openai/chat/completions',
                   { authorization: 'Bearer sk-client-own', 'x-parapet-authorization': `Bearer ${tok.json.secret}` });
  assert.equal(res.status, 200, await res.text());
  // Bring-your-own-key passes untouched; the gateway token does not go upstream.
  assert.equal(lastUpstream().headers.authorization, 'Bearer sk-client-own');
  assert.ok(!rawHeaderText(lastUpstream()).includes('pgt_'));

  res = await post('/default/openai/chat/completions', { 'x-parapet-authorization': 'Bearer pgt_nope_nope' });
  assert.equal(res.status, 401);
  res = await post('/open/openai/chat/completions', { authorization: 'Bearer sk-client-own' });
  assert.equal(res.status, 200);
  // A token for "default" is not valid on "open".
  res = await post('/open/openai/chat/completions', { 'x-parapet-authorization': `Bearer ${tok.json.secret}` });
  assert.equal(res.status, 403);
});

test('wrong provider is 403; revocation through the CLI takes effect at once', async () => {
  const vk = await createVirtual('openai', REAL_OPENAI);
  let res = await post('/default/anthropic/v1/messages', { 'x-api-key': vk.secret });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error.type, 'forbidden');

  const adminAddr = gw.adminUrl.replace('http://', '');
  const listed = execFileSync(parapetBin(), ['keys', '--admin', adminAddr, 'list'], { encoding: 'utf8' });
  assert.match(listed, new RegExp(vk.key.id));
  assert.match(listed, /sk-\.\.\.6789/);
  assert.ok(!listed.includes(REAL_OPENAI));

  res = await post('/default/openai/chat/completions', { authorization: `Bearer ${vk.secret}` });
  assert.equal(res.status, 200);
  const out = execFileSync(parapetBin(), ['keys', '--admin', adminAddr, 'revoke', vk.key.id], { encoding: 'utf8' });
  assert.match(out, /revoked/);
  res = await post('/default/openai/chat/completions', { authorization: `Bearer ${vk.secret}` });
  assert.equal(res.status, 401);
});

test('parapet keys create-virtual reads the provider key from the environment', async () => {
  const adminAddr = gw.adminUrl.replace('http://', '');
  const out = execFileSync(parapetBin(),
    ['keys', '--admin', adminAddr, 'create-virtual', '--name', 'cli', '--provider', 'openai', '--provider-key-env', 'MY_OPENAI_KEY'],
    { encoding: 'utf8', env: { ...process.env, MY_OPENAI_KEY: 'sk-proj-from-cli-env-key-42' } });
  const secret = /secret: (pvk_\S+)/.exec(out)[1];
  const res = await post('/default/openai/chat/completions', { authorization: `Bearer ${secret}` });
  assert.equal(res.status, 200);
  assert.equal(lastUpstream().headers.authorization, 'Bearer sk-proj-from-cli-env-key-42');
});

test('keys survive a restart, sealed at rest; a wrong master key refuses to start', async () => {
  const vk = await createVirtual('openai', REAL_OPENAI);
  await gw.stop();
  const dir = gw.dataDir;
  const mk = join(dir, 'master.key');
  assert.ok(existsSync(mk));
  assert.equal(statSync(mk).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'control.db')).mode & 0o777, 0o600);
  for (const f of ['control.db', 'control.db-wal']) {
    if (!existsSync(join(dir, f))) continue;
    const bytes = readFileSync(join(dir, f)).toString('latin1');
    assert.ok(!bytes.includes(REAL_OPENAI), `${f} holds no plaintext provider key`);
    assert.ok(!bytes.includes(vk.secret.split('_')[2]), `${f} holds no virtual key secret`);
  }

  const bad = spawnSync(parapetBin(), ['serve', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--data-dir', dir],
                        { encoding: 'utf8', env: { ...process.env, PARAPET_MASTER_KEY: 'ab'.repeat(32) }, timeout: 10_000 });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /does not open under the master key/);

  gw = await startGateway({ upstreams: upstreams(), config: CONFIG, dataDir: dir, keepData: true });
  const res = await post('/default/openai/chat/completions', { authorization: `Bearer ${vk.secret}` });
  assert.equal(res.status, 200);
  assert.equal(lastUpstream().headers.authorization, `Bearer ${REAL_OPENAI}`);
});

test('keys declared in the config file, provider key from the environment', async () => {
  const gen = execFileSync(parapetBin(), ['keys', 'generate', '--id', 'ci-bot', '--kind', 'virtual_key'], { encoding: 'utf8' });
  const secret = /secret:\s+(pvk_\S+)/.exec(gen)[1];
  const hash = /secret_sha256 = "([0-9a-f]{64})"/.exec(gen)[1];
  const hashed = execFileSync(parapetBin(), ['keys', 'hash'], { input: secret + '\n', encoding: 'utf8' }).trim();
  assert.equal(hashed, hash);
  const config = `${CONFIG}
[[access.keys]]
id = "ci-bot"
kind = "virtual_key"
secret_sha256 = "${hash}"
provider = "openai"
provider_key_env = "CI_OPENAI_KEY"
gateways = ["default"]
`;
  const g2 = await startGateway({ upstreams: upstreams(), config, env: { CI_OPENAI_KEY: 'sk-proj-ci-from-env-99999' } });
  try {
    const res = await fetch(`${g2.url}/default/openai/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: chatBody,
    });
    assert.equal(res.status, 200, await res.text());
    assert.equal(lastUpstream().headers.authorization, 'Bearer sk-proj-ci-from-env-99999');
    const del = await fetch(`${g2.adminUrl}/keys/ci-bot`, { method: 'DELETE' });
    assert.equal(del.status, 403);
  } finally {
    await g2.stop();
  }
  // Missing variable: a clear start-up error.
  await assert.rejects(startGateway({ upstreams: upstreams(), config }), /CI_OPENAI_KEY/);
});

test('SIGHUP reload: config keys change, admin keys and their effect stay', async () => {
  const vk = await createVirtual('openai', REAL_OPENAI);
  const gen = execFileSync(parapetBin(), ['keys', 'generate', '--id', 'reloaded'], { encoding: 'utf8' });
  const token = /secret:\s+(pgt_\S+)/.exec(gen)[1];
  const hash = /secret_sha256 = "([0-9a-f]{64})"/.exec(gen)[1];
  const withToken = `${CONFIG}\n[[access.keys]]\nid = "reloaded"\nsecret_sha256 = "${hash}"\n`;
  const tokenHeader = { 'x-parapet-authorization': `Bearer ${token}`, authorization: 'Bearer sk-own' };

  assert.equal((await post('/default/openai/chat/completions', tokenHeader)).status, 401);
  gw.writeConfig(withToken);
  gw.proc.kill('SIGHUP');
  await waitFor(async () => (await post('/default/openai/chat/completions', tokenHeader)).status === 200,
                { what: 'the reloaded token to be accepted', intervalMs: 50 });
  // The admin-created key kept working across the reload.
  assert.equal((await post('/default/openai/chat/completions', { authorization: `Bearer ${vk.secret}` })).status, 200);

  // Removing the gateway's auth flag opens it; removing the key revokes it.
  gw.writeConfig('[gateways.default]\n[gateways.open]\n');
  gw.proc.kill('SIGHUP');
  await waitFor(async () => (await post('/default/openai/chat/completions', { authorization: 'Bearer sk-own' })).status === 200,
                { what: 'the gateway to open', intervalMs: 50 });
  assert.equal((await post('/default/openai/chat/completions', tokenHeader)).status, 401);
  assert.equal(gw.proc.exitCode, null);
});
