// Incident response through the real binary (docs/incidents.md): the fake provider starts failing
// → the burn-rate detector opens an incident, it is declared, Slack-format messages reach a local
// webhook receiver on the debug and impact streams → the provider recovers → the incident is
// mitigated → the post-mortem's figures equal the log store's counts for the incident's window.
// Then the same by hand through the CLI. Prints time to detect and to declare measured here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { request, postJson, waitFor } from './lib/util.mjs';

const run = promisify(execFile);

let fake, gw, hook, configText;
const SLACK_SECRET = 'it-slack-signing-secret';
const received = [];  // {path, body, at}

function startReceiver() {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        let json = null;
        try { json = JSON.parse(body); } catch { /* kept as null: asserted below */ }
        received.push({ path: req.url, body: json, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

before(async () => {
  fake = await startFakeProvider();
  hook = await startReceiver();
  const h = `http://127.0.0.1:${hook.address().port}`;
  configText = ({ extra = '', slowLong = 30 } = {}) => `
[gateways.default]
max_attempts = 1
[circuit_breaker]
enabled = false
[incident]
declare_after_s = 2
call_link = "https://meet.example/parapet-{id}"
[incident.burn_rate]
bucket_s = 1
fast_long_s = 20
fast_short_s = 3
slow_long_s = ${slowLong}
slow_short_s = 5
min_requests = 5
${extra}
[[incident.notify]]
stream = "debug"
kind = "slack"
url = "${h}/debug"
[[incident.notify]]
stream = "impact"
kind = "slack"
url = "${h}/impact"
[[incident.notify]]
stream = "comms"
kind = "webhook"
url = "${h}/comms"
`;
  gw = await startGateway({
    upstreams: { openai: `${fake.url}/v1` },
    env: { PARAPET_SLACK_SIGNING_SECRET: SLACK_SECRET },
    config: configText(),
  });
});

after(async () => {
  await gw?.stop();
  await fake?.close();
  await new Promise((r) => hook?.close(r) ?? r());
});

const chat = (fail) =>
  postJson(`${gw.url}/default/openai/chat/completions`,
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    fail ? { 'x-fake-status': '500' } : {});

// Sends requests back to back (about 20/s) until stop() is called.
function traffic(fail) {
  let on = true;
  const done = (async () => {
    while (on) {
      await chat(fail);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => { on = false; await done; };
}

const incidents = async (all = false) =>
  (await request(`${gw.adminUrl}/incidents${all ? '?all=1' : ''}`, { method: 'GET' })).json().incidents;

test('provider outage: detected, declared, notified, mitigated and written up by itself', { timeout: 120_000 }, async () => {
  let stop = traffic(false);
  await new Promise((r) => setTimeout(r, 4000));
  await stop();
  assert.deepEqual(await incidents(), [], 'healthy traffic opens nothing');

  const outageStart = Date.now();
  stop = traffic(true);
  let inc;
  await waitFor(async () => {
    const open = await incidents();
    inc = open.find((i) => i.subject.startsWith('burn_rate:openai'));
    return inc && inc.status === 'active' &&
      received.some((m) => m.path === '/debug') && received.some((m) => m.path === '/impact') &&
      received.some((m) => m.path === '/comms' && m.body?.event === 'incident.declared');
  }, { timeoutMs: 60_000, intervalMs: 100, what: 'an active incident and debug + impact + comms messages' });
  const ttd = inc.detected_us / 1000 - outageStart;
  const ttdecl = inc.declared_us / 1000 - outageStart;
  console.log(`# time to detect: ${(ttd / 1000).toFixed(2)} s after the first failing request; ` +
    `time to declare: ${(ttdecl / 1000).toFixed(2)} s (declare_after_s = 2)`);
  assert.ok(ttd < 60_000 && ttdecl < 60_000);

  // Slack format on both streams: text + attachments with fields.
  for (const stream of ['debug', 'impact']) {
    const m = received.find((x) => x.path === `/${stream}`);
    assert.ok(m.body, `${stream}: JSON body`);
    assert.match(m.body.text, new RegExp(`^\\[${stream}\\] Incident #${inc.id} SEV`));
    assert.ok(Array.isArray(m.body.attachments) && m.body.attachments[0].title);
  }
  const impactMsg = received.find((x) => x.path === '/impact' && x.body.text.includes('impact so far'));
  assert.ok(impactMsg.body.attachments[0].fields.some((f) => f.title === 'failed'));
  assert.ok(received.some((x) => x.path === '/debug' && JSON.stringify(x.body).includes(`https://meet.example/parapet-${inc.id}`)),
    'call link on declaration');
  assert.ok(received.some((x) => x.path === '/comms' && x.body.event === 'incident.declared'));
  await new Promise((r) => setTimeout(r, 1000));
  await stop();

  // Recovery → mitigated.
  const recoveredAt = Date.now();
  stop = traffic(false);
  await waitFor(async () => {
    const got = (await request(`${gw.adminUrl}/incidents/${inc.id}`, { method: 'GET' })).json();
    inc = got.incident;
    return inc.status === 'mitigated';
  }, { timeoutMs: 60_000, intervalMs: 200, what: 'the incident mitigated' });
  await stop();
  console.log(`# mitigated ${((inc.mitigated_us / 1000 - recoveredAt) / 1000).toFixed(2)} s after the provider recovered`);
  assert.ok(received.some((x) => x.path === '/comms' && x.body.text.includes('mitigated')));

  // Post-mortem figures = the store's records in the incident's window.
  await new Promise((r) => setTimeout(r, 500));  // the recorder's last batch reaches the store
  const impact = (await request(`${gw.adminUrl}/incidents/${inc.id}/impact`, { method: 'GET' })).json();
  const from = Math.floor(impact.from_us / 1e6) - 1, to = Math.ceil(impact.to_us / 1e6) + 1;
  const lines = (await request(`${gw.adminUrl}/logs/export?format=jsonl&from=${from}&to=${to}`, { method: 'GET' }))
    .text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((r) => r.start_us >= impact.from_us && r.start_us < impact.to_us);
  const failed = lines.filter((r) => r.status >= 500 || r.error_type.startsWith('upstream_')).length;
  assert.ok(failed > 0);
  assert.equal(impact.requests, lines.length);
  assert.equal(impact.failed, failed);
  const { stdout: md } = await run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, 'postmortem', String(inc.id)]);
  assert.match(md, new RegExp(`\\| requests \\| ${lines.length} \\|`));
  assert.match(md, new RegExp(`\\| failed requests \\| ${failed} \\|`));
  assert.match(md, /time to detect/);
  assert.match(md, /## Timeline/);
  assert.match(md, /triage → active/);
  assert.match(md, /active → mitigated/);
  const { stdout: pub } = await run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, 'postmortem', String(inc.id), '--public']);
  assert.doesNotMatch(pub, /127\.0\.0\.1/);
  assert.match(pub, new RegExp(`\\| failed requests \\| ${failed} \\|`));
  const timeline = (await request(`${gw.adminUrl}/incidents/${inc.id}`, { method: 'GET' })).json().timeline;
  assert.ok(timeline.some((e) => e.kind === 'notify' && e.text.includes('slack (impact)')));
});

test('by hand through the CLI: declare, assign, note, resolve', async () => {
  const cli = (...args) => run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, '--author', 'alice', ...args]);
  const { stdout: d } = await cli('declare', '--title', 'Checkout answers look wrong', '--severity', 'SEV2');
  const id = d.match(/declared incident (\d+) \(SEV2\)/)[1];
  await cli('update', id, '--commander', 'bob', '--scribe', 'carol');
  await cli('note', id, 'rolled back the price file');
  const { stdout: r } = await cli('resolve', id);
  assert.match(r, new RegExp(`incident ${id} is resolved`));
  const { stdout: show } = await cli('show', id);
  assert.match(show, /commander: bob/);
  assert.match(show, /note\s+alice\s+rolled back the price file/);
  assert.match(show, /active → resolved/);
  const { stdout: list } = await cli('list', '--all');
  assert.match(list, /Checkout answers look wrong/);
  // Merge a duplicate into it... refused (resolved), then into a fresh open one.
  const { stdout: d2 } = await cli('declare', '--title', 'Duplicate report');
  const dup = d2.match(/declared incident (\d+)/)[1];
  await assert.rejects(cli('merge', dup, '--into', id), /is not open/);
  const { stdout: d3 } = await cli('declare', '--title', 'Main thread');
  const main = d3.match(/declared incident (\d+)/)[1];
  const { stdout: m } = await cli('merge', dup, '--into', main);
  assert.match(m, new RegExp(`incident ${dup} is merged`));
  // A bad transition is refused.
  await assert.rejects(cli('update', id, '--status', 'triage'), /cannot go from resolved to triage/);
  // Admin API: unknown incident 404.
  const miss = await request(`${gw.adminUrl}/incidents/99999`, { method: 'GET' });
  assert.equal(miss.status, 404);
});

test('WAF rule deployments and rollbacks go into open incidents\' timelines', async () => {
  const d = await postJson(`${gw.adminUrl}/incidents`, { title: 'Scanner wave', severity: 3 });
  assert.equal(d.status, 201, d.text);
  const id = d.json().incident.id;
  const rule = 'version = 1\n[[rule]]\nid = "incident-probe"\ndescription = "probe"\ntargets = ["uri"]\n' +
    'pattern = "incident-probe-1177"\naction = "block"\nseverity = "critical"\n';
  const dep = await request(`${gw.adminUrl}/rules?by=dana`, { method: 'POST', body: rule });
  assert.equal(dep.status, 201, dep.text);
  const rb = await request(`${gw.adminUrl}/rules/rollback?by=dana`, { method: 'POST' });
  assert.equal(rb.status, 200, rb.text);
  const tl = (await request(`${gw.adminUrl}/incidents/${id}`, { method: 'GET' })).json().timeline;
  const rules = tl.filter((e) => e.kind === 'rules').map((e) => e.text);
  assert.equal(rules.length, 2, JSON.stringify(tl));
  assert.match(rules[0], /^WAF rules version 1 deployed through the admin-api by dana \(\d+ rules\)$/);
  assert.match(rules[1], /^WAF rules rolled back to version 0 through the admin-api by dana$/);
  const res = await postJson(`${gw.adminUrl}/incidents/${id}/resolve`, {});
  assert.equal(res.status, 200, res.text);
});

test('Slack slash command: signed requests act, bad or stale signatures are refused', async () => {
  const body = new URLSearchParams({ command: '/incident', user_name: 'erin', text: 'declare SEV2 search answers empty' }).toString();
  const post = (ts, sig) => request(`${gw.adminUrl}/incidents/slack`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
    body,
  });
  const sign = (ts, b = body, secret = SLACK_SECRET) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:${b}`).digest('hex')}`;
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await post(now, sign(now, body, 'wrong-secret'))).status, 401);
  assert.equal((await post(now, sign(now, body + '&x=1'))).status, 401);
  assert.equal((await post(now - 400, sign(now - 400))).status, 401, 'outside the 5-minute replay window');
  const ok = await post(now, sign(now));
  assert.equal(ok.status, 200);
  const reply = ok.json();
  assert.equal(reply.response_type, 'in_channel');
  const id = reply.text.match(/^Declared #(\d+) SEV2 \[active\] search answers empty$/)[1];
  const got = (await request(`${gw.adminUrl}/incidents/${id}`, { method: 'GET' })).json();
  assert.ok(got.timeline.some((e) => e.author === 'slack:erin'));
});

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const AM_BIN = '/usr/bin/prometheus-alertmanager';
test('a real Prometheus Alertmanager delivers an alert that becomes an incident, resolved → mitigated',
  { skip: existsSync(AM_BIN) ? false : 'prometheus-alertmanager not installed (Debian package prometheus-alertmanager)', timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parapet-am-'));
    const port = await freePort();
    writeFileSync(join(dir, 'am.yml'), `
route:
  receiver: parapet
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: parapet
    webhook_configs:
      - url: ${gw.adminUrl}/incidents/alertmanager
        send_resolved: true
`);
    const am = spawn(AM_BIN, [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
    let amLog = '';
    am.stderr.on('data', (c) => (amLog += c));
    try {
      const amUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => {
        try { return (await request(`${amUrl}/-/ready`, { method: 'GET' })).status === 200; } catch { return false; }
      }, { timeoutMs: 20_000, intervalMs: 200, what: 'alertmanager ready' });
      const alert = (extra) => postJson(`${amUrl}/api/v2/alerts`, [{
        labels: { alertname: 'ParapetE2E', severity: 'critical' },
        annotations: { summary: 'checkout 5xx over 5%' }, ...extra,
      }]);
      const startsAt = new Date().toISOString();
      assert.equal((await alert({ startsAt })).status, 200);
      let inc;
      await waitFor(async () => {
        inc = (await incidents()).find((i) => i.subject.startsWith('alertmanager:'));
        return inc && inc.status === 'active';
      }, { timeoutMs: 30_000, intervalMs: 200, what: 'an incident from Alertmanager' });
      assert.equal(inc.title, 'ParapetE2E: checkout 5xx over 5%');
      assert.equal(inc.severity, 2);
      assert.equal((await alert({ startsAt, endsAt: new Date().toISOString() })).status, 200);
      await waitFor(async () => {
        const got = (await request(`${gw.adminUrl}/incidents/${inc.id}`, { method: 'GET' })).json();
        return got.incident.status === 'mitigated';
      }, { timeoutMs: 30_000, intervalMs: 200, what: 'the Alertmanager incident mitigated' });
    } catch (e) {
      console.log(amLog.slice(-2000));
      throw e;
    } finally {
      am.kill('SIGTERM');
      await new Promise((r) => am.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('status summary.json and follow-ups', async () => {
  const sum = (await request(`${gw.adminUrl}/status/summary.json`, { method: 'GET' })).json();
  assert.equal(sum.page.name, 'Parapet');
  assert.ok(['none', 'minor', 'major', 'critical'].includes(sum.status.indicator));
  assert.ok(sum.components.some((c) => c.name === 'openai'), 'providers that answered are components');
  const cli = (...args) => run(parapetBin(), ['incident', '--admin', `127.0.0.1:${gw.adminPort}`, ...args]);
  const { stdout: d } = await cli('declare', '--title', 'Leaked key', '--severity', '1');
  const id = d.match(/declared incident (\d+)/)[1];
  await cli('followup', id, '--title', 'rotate every provider key', '--owner', 'sec', '--due', '2020-01-01', '--threat', '5', '--vulnerability', '4', '--likelihood', '5');
  await cli('followup', id, '--title', 'add key scanning to CI', '--threat', '2');
  const { stdout: list } = await cli('followups', id);
  const rows = list.trim().split('\n');
  assert.match(rows[1], /100\s+sec\s+2020-01-01\s+OVERDUE\s+rotate every provider key/);
  assert.match(rows[2], /18\s+-\s+-\s+open\s+add key scanning to CI/);
  assert.match(rows.at(-1), /^1 overdue$/);
  const { stdout: md } = await cli('postmortem', id);
  assert.match(md, /rotate every provider key \| sec \| 2020-01-01 \| 100 \(5×4×5\) \| \*\*overdue\*\*/);
  const after = (await request(`${gw.adminUrl}/status/summary.json`, { method: 'GET' })).json();
  assert.equal(after.status.indicator, 'critical');
  assert.ok(after.incidents.some((i) => i.name === 'Leaked key'));
});

test('notifications over https (verified with [upstream] ca_file); failed deliveries retried and recorded', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-inc-tls-'));
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Parapet Incident Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
    'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  const got = [];
  const srv = https.createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => { got.push({ path: req.url, body: JSON.parse(b) }); res.end('ok'); });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const closed = await freePort();
  const g = await startGateway({
    config: `
[upstream]
ca_file = "${join(dir, 'ca.pem')}"
[[incident.notify]]
stream = "comms"
kind = "slack"
url = "https://127.0.0.1:${srv.address().port}/comms"
[[incident.notify]]
stream = "comms"
kind = "webhook"
url = "http://127.0.0.1:${closed}/nobody-home"
`,
  });
  try {
    const res = await postJson(`${g.adminUrl}/incidents`, { title: 'TLS check', severity: 4, author: 'it' });
    assert.equal(res.status, 201);
    const id = res.json().incident.id;
    await waitFor(() => got.some((m) => m.path === '/comms' && m.body.text.includes(`Incident #${id}`)),
      { timeoutMs: 10_000, what: 'the comms message over https' });
    let tl;
    await waitFor(async () => {
      tl = (await request(`${g.adminUrl}/incidents/${id}`, { method: 'GET' })).json();
      return tl.timeline.filter((e) => e.kind === 'notify_failed').length >= 2;
    }, { timeoutMs: 15_000, intervalMs: 200, what: 'two failed attempts in the timeline' });
    assert.ok(tl.timeline.some((e) => e.kind === 'notify' && e.text.startsWith('sent to slack (comms): HTTP 200')));
    assert.match(tl.timeline.find((e) => e.kind === 'notify_failed').text, /attempt 1 to webhook \(comms\) failed: .*; retry in 1s/);
    const pending = tl.notifications.find((n) => n.kind === 'webhook');
    assert.equal(pending.state, 'pending');
    assert.ok(pending.attempts >= 2);
  } finally {
    await g.stop();
    await new Promise((r) => srv.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP: new detector thresholds apply without a restart; a new window restarts the detector', async () => {
  const d = await postJson(`${gw.adminUrl}/incidents`, { title: 'Reload watch', severity: 4 });
  assert.equal(d.status, 201, d.text);
  const id = d.json().incident.id;
  const configEntries = async () =>
    (await request(`${gw.adminUrl}/incidents/${id}`, { method: 'GET' })).json().timeline
      .filter((e) => e.kind === 'config').map((e) => e.text);
  // Detector settings apply on the recorder's next batch: keep a request going until they do.
  const reload = async (burn, expect) => {
    gw.writeConfig(configText(burn));
    gw.proc.kill('SIGHUP');
    await waitFor(async () => {
      await chat(false);
      return (await configEntries()).some((t) => t.includes(expect));
    }, { timeoutMs: 20_000, intervalMs: 100, what: `"${expect}" in the timeline` });
    assert.ok(gw.output().includes(`parapet: detector settings reloaded; ${expect}`), gw.output());
  };
  await reload({ extra: 'fast_factor = 10.0' }, 'new thresholds, history kept: burn_rate');
  await reload({ extra: 'fast_factor = 10.0', slowLong: 40 }, 'a window changed, history restarts: burn_rate');
  assert.equal(gw.proc.exitCode, null);
  const res = await postJson(`${gw.adminUrl}/incidents/${id}/resolve`, {});
  assert.equal(res.status, 200, res.text);
});
