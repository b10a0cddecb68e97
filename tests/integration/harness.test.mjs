// Checks the harness itself with stand-in programs instead of the gateway: the flags it passes,
// readiness from stdout, failures reported with the program's output, teardown; and the raw HTTP
// client against the fake provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, startFakeProvider, rawRequest, RawConnection } from './lib/harness.mjs';

let dir;
let fake;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parapet-harness-'));
  fake = await startFakeProvider();
});
after(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function script(name, body) {
  const path = join(dir, name);
  writeFileSync(path, `#!${process.execPath}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('passes the flags, reads the listening line, stops with a signal', async () => {
  const bin = script('ok.cjs', `
    const fs = require('node:fs');
    fs.writeFileSync('seen.json', JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(),
      env: { X_TEST: process.env.X_TEST, HTTPS_PROXY: process.env.HTTPS_PROXY ?? null } }));
    process.on('SIGTERM', () => process.exit(7));
    console.log('starting up');
    console.log('listening data=127.0.0.1:41001 admin=127.0.0.1:41002');
    setInterval(() => {}, 1000);`.replace(/^\s+/gm, ''));
  process.env.HTTPS_PROXY = 'http://127.0.0.1:9'; // must not leak into the gateway
  let gw;
  try {
    gw = await startGateway({ bin, upstreams: { openai: 'http://127.0.0.1:1/v1', echo: 'http://127.0.0.1:2' },
                              config: '[upstream]\nfirst_byte_timeout_ms = 300\n', env: { X_TEST: 'yes' } });
  } finally {
    delete process.env.HTTPS_PROXY;
  }
  assert.equal(gw.url, 'http://127.0.0.1:41001');
  assert.equal(gw.adminUrl, 'http://127.0.0.1:41002');
  const seen = JSON.parse(readFileSync(join(gw.dataDir, 'seen.json'), 'utf8'));
  assert.deepEqual(seen.argv, ['serve', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--data-dir', gw.dataDir,
    '--config', gw.configPath, '--upstream', 'openai=http://127.0.0.1:1/v1', '--upstream', 'echo=http://127.0.0.1:2']);
  assert.equal(readFileSync(gw.configPath, 'utf8'), '[upstream]\nfirst_byte_timeout_ms = 300\n');
  assert.deepEqual(seen.env, { X_TEST: 'yes', HTTPS_PROXY: null });
  assert.deepEqual(await gw.stop(), { code: 7, signal: null });
});

test('a program that exits early is reported with its output', async () => {
  const bin = script('dies.cjs', "console.error('config error: no such file'); process.exit(3);");
  await assert.rejects(startGateway({ bin }), /code 3[\s\S]*config error: no such file/);
});

test('a program that never listens is killed after the timeout', async () => {
  const bin = script('mute.cjs', 'setInterval(() => {}, 1000);');
  const t0 = Date.now();
  await assert.rejects(startGateway({ bin, readyTimeoutMs: 300 }), /not listening after 300 ms/);
  assert.ok(Date.now() - t0 < 3_000);
});

test('a missing binary is reported', async () => {
  await assert.rejects(startGateway({ bin: join(dir, 'nope') }), /cannot start .*ENOENT/);
});

test('rawRequest: content-length, chunked SSE, pipelining, close detection', async () => {
  const models = await rawRequest(fake.port, 'GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(models.status, 200);
  assert.equal(JSON.parse(models.text).object, 'list');
  assert.equal(models.closed, false);

  const body = '{"stream":true}';
  const stream = await rawRequest(fake.port, `POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  assert.equal(stream.headers['transfer-encoding'], 'chunked');
  assert.match(stream.text, /^event: message_start\n[\s\S]*event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);

  const three = ['/a', '/b', '/c'].map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
  const piped = await rawRequest(fake.port, three, { count: 3 });
  assert.deepEqual(piped.responses.map((r) => JSON.parse(r.text).path), ['/a', '/b', '/c']);

  const closing = await rawRequest(fake.port, 'GET /z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(closing.closed, true);

  const conn = await RawConnection.connect(fake.port);
  await conn.write('POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n');
  await conn.waitForText('HTTP/1.1 100 Continue\r\n\r\n');
  await conn.write('hi');
  const r = await conn.readFinal();
  assert.equal(r.interim[0].status, 100);
  assert.equal(JSON.parse(r.text).body, 'hi');
  conn.destroy();
});
