// Incident response end to end (docs/incidents.md): the fake provider starts answering 500 → the
// error-rate detector opens an incident, it is declared, Slack-format messages reach the debug and
// impact streams of a local webhook receiver; the provider recovers → the incident is mitigated;
// the post-mortem's counts equal the store's for the incident window. Then the manual flow through
// the CLI: declare, note, resolve.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { request, postJson } from './lib/util.mjs';

const run = promisify(execFile);
const cleanup = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

// Collects every POST body by path.
async function startReceiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let json = null;
      try { json = JSON.parse(body); } catch { /* kept as null */ }
      got.push({ path: req.url, json, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  cleanup.push(() => new Promise((r) => server.close(r)));
  return { url, got };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, { timeoutMs = 60_000, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('a provider outage is detected, declared, notified, mitigated and written up', { timeout: 120_000 }, async () => {
  const fake = await startFakeProvider();
  cleanup.push(() => fake.close());
  const rx = await startReceiver();
  const config = `
[circuit_breaker]
enabled = false

[incident]
auto_decline_ms = 2000
auto_declare_ms = 5000
evaluate_ms = 200
retry_base_ms = 200
call_link = "https://meet.example/incident-{id}"

[incident.error_rate]
bucket_ms = 500
min_requests = 5
windows = [[20000, 4000, 14.4], [60000, 10000, 6]]

[incident.traffic_surge]
enabled = false

[[incident.notify]]
stream = "debug"
type = "slack"
url = "${rx.url}/debug"

[[incident.notify]]
stream = "impact"
type = "slack"
url = "${rx.url}/impact"

[[incident.notify]]
stream = "comms"
type = "webhook"
url = "${rx.url}/comms"

[[incident.notify]]
stream = "comms"
type = "pagerduty"
url = "${rx.url}/pagerduty"
routing_key = "test-routing-key"
`;
  const gw = await startGateway({ upstreams: { openai: fake.url }, config });
  cleanup.push(() => gw.stop());
  const chat = (headers = {}) =>
    postJson(`${gw.url}/default/openai/v1/chat/completions`,
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, headers);
  const admin = async (path) => (await request(`${gw.adminUrl}${path}`, { method: 'GET' })).json();

  // A little healthy traffic first.
  let sent = 0;
  for (let i = 0; i < 10; ++i, ++sent) assert.equal((await chat()).status, 200);

  // Outage.
  const outageStart = Date.now();
  let detectedAt = 0, declaredAt = 0, incident;
  while (!declaredAt) {
    if (Date.now() - outageStart > 60_000) assert.fail('no incident declared within 60 s');
    const r = await chat({ 'x-fake-status': '500' });
    ++sent;
    assert.ok(r.status >= 500, `outage request got ${r.status}`);
    const list = (await admin('/incidents')).incidents;
    incident = list.find((x) => x.detector === 'error_rate' && x.subject === 'openai');
    if (incident && !detectedAt) detectedAt = Date.now();
    if (incident && incident.status === 'active') declaredAt = Date.now();
    await sleep(50);
  }
  const timeToDetect = detectedAt - outageStart, timeToDeclare = declaredAt - outageStart;
  console.log(`time to detect: ${timeToDetect} ms; time to declare: ${timeToDeclare} ms ` +
    `(detector windows 4 s/20 s, auto_declare_ms 5000)`);
  assert.ok(timeToDeclare < 60_000);
  assert.equal(incident.severity, 3);

  // Slack-format messages on the debug and impact streams, a generic one on comms, a PD trigger.
  const slackOn = (path, event) => rx.got.find((m) => m.path === path && m.json?.text?.includes(` ${event}: `));
  await waitFor(() => slackOn('/debug', 'opened') && slackOn('/debug', 'declared') && slackOn('/impact', 'declared'),
    { what: 'slack messages on debug and impact', timeoutMs: 15_000 });
  const imp = slackOn('/impact', 'declared').json;
  assert.ok(Array.isArray(imp.attachments) && imp.attachments.length === 1);
  assert.equal(imp.attachments[0].color, 'danger');
  assert.ok(imp.attachments[0].fields.some((f) => f.title === 'Failed' && Number(f.value) > 0), JSON.stringify(imp));
  assert.ok(imp.attachments[0].fields.some((f) => f.title === 'Call' && f.value.endsWith(`incident-${incident.id}`)));
  assert.match(slackOn('/debug', 'opened').json.attachments[0].text, /burn/);
  await waitFor(() => rx.got.find((m) => m.path === '/comms' && m.json?.event === 'declared'), { what: 'comms webhook' });
  const pd = await waitFor(() => rx.got.find((m) => m.path === '/pagerduty' && m.json?.event_action === 'trigger'), { what: 'pagerduty trigger' });
  assert.equal(pd.json.dedup_key, String(incident.id));
  assert.equal(pd.json.routing_key, 'test-routing-key');

  // Recovery: healthy calls until the detector clears and the incident is mitigated.
  const recoveryStart = Date.now();
  let mitigated;
  while (!mitigated) {
    if (Date.now() - recoveryStart > 60_000) assert.fail('not mitigated within 60 s of recovery');
    assert.equal((await chat()).status, 200);
    ++sent;
    const one = await admin(`/incidents/${incident.id}`);
    if (one.status === 'mitigated') mitigated = one;
    await sleep(50);
  }
  const timeToMitigate = Date.now() - recoveryStart;
  console.log(`time to mitigate after recovery: ${timeToMitigate} ms`);
  await waitFor(() => rx.got.find((m) => m.path === '/impact' && m.json?.text?.includes(' mitigated: ')), { what: 'mitigated on impact' });
  assert.ok(mitigated.timeline.some((t) => t.kind === 'notify' && t.text.includes('delivered')));

  // Every record stored, then resolve (fixes the window's end) and compare with /logs.
  await waitFor(async () => {
    const m = (await request(`${gw.adminUrl}/metrics`, { method: 'GET' })).text;
    const v = Number(/^parapet_store_rows_written_total (\d+)/m.exec(m)?.[1] ?? 0);
    return v >= sent;
  }, { what: 'rows stored' });
  const { stdout: resolved } = await run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, 'resolve', String(incident.id)]);
  assert.match(resolved, /resolved/);
  const done = await admin(`/incidents/${incident.id}`);
  assert.equal(done.status, 'resolved');
  const { from_ms: from, to_ms: to } = done.impact;
  let records = [], cursor = '';
  for (;;) {
    const q = `/logs?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&limit=1000` +
      (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const page = await admin(q);
    records = records.concat(page.records);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  const failed = records.filter((r) => r.status >= 500).length;
  assert.equal(done.impact.requests, records.length);
  assert.equal(done.impact.failed, failed);
  assert.ok(failed > 0);

  const { stdout: pm } = await run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, 'postmortem', String(incident.id)]);
  assert.match(pm, new RegExp(`\\| Requests \\| ${records.length} \\|`));
  assert.match(pm, new RegExp(`\\| Failed requests \\| ${failed} \\|`));
  assert.match(pm, /## Timeline/);
  assert.match(pm, /## Root cause/);
  assert.match(pm, /time_to_declare_ms=\d+/);
  assert.match(pm, /Affected clients \| 127\.0\.0\.1/);
  const { stdout: pub } = await run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, 'postmortem', String(incident.id), '--public']);
  assert.doesNotMatch(pub, /127\.0\.0\.1/);
  assert.doesNotMatch(pub, /Affected clients/);
  assert.match(pub, new RegExp(`\\| Requests \\| ${records.length} \\|`));
  await waitFor(() => rx.got.find((m) => m.path === '/pagerduty' && m.json?.event_action === 'resolve'), { what: 'pagerduty resolve' });
});

test('a person declares, notes and resolves an incident through the CLI', async () => {
  const gw = await startGateway({});
  cleanup.push(() => gw.stop());
  const cli = (...args) => run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, '--who', 'alice', ...args]);
  const { stdout: d } = await cli('declare', '--title', 'Checkout answers slowly', '--severity', '2');
  const id = /#(\d+)/.exec(d)[1];
  assert.match(d, /SEV2/);
  await cli('role', id, 'scribe', 'bob');
  await cli('note', id, 'upstream latency p99 at 9 s');
  await cli('status', id, 'mitigated', '--why', 'switched traffic to the fallback');
  const { stdout: r } = await cli('resolve', id);
  assert.match(r, /resolved/);
  const { stdout: show } = await cli('show', id);
  assert.match(show, /SEV2, resolved/);
  assert.match(show, /commander alice, comms , scribe bob/);
  assert.match(show, /note +upstream latency p99 at 9 s \(alice\)/);
  const { stdout: list } = await cli('list');
  assert.match(list, /Checkout answers slowly/);
  const { stdout: pm } = await cli('postmortem', id);
  assert.match(pm, /Declared by hand/);
  // Unknown incident: a clear error and exit status 1.
  await assert.rejects(cli('note', '999', 'x'), /404|no incident/);
});
