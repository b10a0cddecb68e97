// TLS to the upstream: a private CA trusted through [upstream] ca_file works; without it the
// system store refuses the test CA (502 upstream_tls_error); HTTPS_PROXY sends https upstream
// traffic through an HTTP CONNECT proxy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, startFakeProvider } from './lib/harness.mjs';
import { request, errorType } from './lib/util.mjs';

let dir;
let caFile;
let fake;
const cleanup = [];

// A throwaway CA and a server certificate for 127.0.0.1 (IP SAN), made with the openssl CLI.
function makeCerts(d) {
  const ossl = (...args) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Parapet Test CA',
       '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(d, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
    'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
       '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parapet-tls-'));
  makeCerts(dir);
  caFile = join(dir, 'ca.pem');
  fake = await startFakeProvider({ tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) } });
  fake.ca = readFileSync(caFile);
});
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function gateway(opts) {
  const g = await startGateway(opts);
  cleanup.push(() => g.stop());
  return g;
}

const json = { 'content-type': 'application/json' };
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
const caConfig = () => `[upstream]\nca_file = ${JSON.stringify(caFile)}\n`;

test('https upstream signed by a CA given in ca_file', async () => {
  const want = await request(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: json, body, ca: fake.ca });
  assert.equal(want.status, 200);
  const gw = await gateway({ upstreams: { openai: `${fake.url}/v1` }, config: caConfig() });
  const got = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.text, want.text);
});

test('without ca_file the test CA is not trusted: 502 upstream_tls_error', async () => {
  fake.requests.length = 0;
  const gw = await gateway({ upstreams: { openai: `${fake.url}/v1` } });
  const r = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body });
  assert.equal(r.status, 502);
  assert.equal(errorType(r.text), 'upstream_tls_error');
  assert.equal(fake.requests.length, 0);
});

// A minimal HTTP CONNECT proxy that only tunnels to loopback and counts tunnels.
async function connectProxy() {
  const p = { tunnels: 0, targets: [] };
  const server = http.createServer((req, res) => { res.writeHead(405); res.end(); });
  server.on('connect', (req, client, head) => {
    p.tunnels++;
    p.targets.push(req.url);
    const [host, port] = req.url.split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const up = net.connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  p.url = `http://127.0.0.1:${server.address().port}`;
  p.close = () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); };
  return p;
}

test('HTTPS_PROXY: https upstream traffic goes through the CONNECT proxy', async () => {
  const proxy = await connectProxy();
  cleanup.push(() => proxy.close());
  const gw = await gateway({
    upstreams: { openai: `${fake.url}/v1` },
    config: caConfig(),
    env: { HTTPS_PROXY: proxy.url },
  });
  fake.requests.length = 0;
  const r = await request(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers: json, body });
  assert.equal(r.status, 200, r.text);
  assert.ok(proxy.tunnels >= 1, 'at least one tunnel opened');
  assert.deepEqual([...new Set(proxy.targets)], [`127.0.0.1:${fake.port}`]);
  assert.equal(fake.requests.length, 1);
});
