#!/usr/bin/env bash
# Memory per open stream (issue 6): N streaming chat requests held open mid-answer through
# Parapet (the fake provider sends the head and the first event, then holds: x-fake-hold), and
# Parapet's RSS before and with all N open.
#   bench/open_streams.sh [streams]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-1000}
TMP=$(mktemp -d)
source bench/lib.sh
trap 'stop_all; rm -rf "$TMP"' EXIT
ulimit -n $((2 * N + 1024))
start_fake
start_parapet $'[server]\nworkers = 1' --upstream "openai=http://127.0.0.1:$FAKE_PORT/v1"
node - "${DATA##*:}" "$N" "$GW_PID" "$FAKE_PORT" <<'JS'
const http = require('node:http');
const fs = require('node:fs');
const [port, n, pid, fakePort] = process.argv.slice(2).map(Number);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
function open(i) {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/default/openai/chat/completions', agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x', 'x-fake-hold': `h${i}` } }, (res) => {
      res.once('data', () => resolve(res));
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  await open('warm').then((r) => r.destroy());
  await new Promise((r) => setTimeout(r, 500));
  const before = rss();
  const held = [];
  for (let i = 0; i < n; i += 100) held.push(...await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => open(i + k))));
  await new Promise((r) => setTimeout(r, 1000));
  const during = rss();
  console.log(`streams open: ${held.length}; RSS before ${before} KB, with them open ${during} KB; ` +
              `${((during - before) / held.length).toFixed(1)} KB per open stream`);
  for (const r of held) r.destroy();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
JS
