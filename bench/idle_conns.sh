#!/usr/bin/env bash
# 10 000 idle keep-alive connections (issue 6, VISION: under 100 MB): each connection makes one
# request and then stays open and silent. Prints Parapet's RSS before, with all connections open,
# and the memory per connection.
#   bench/idle_conns.sh [connections]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-10000}
TMP=$(mktemp -d)
source bench/lib.sh
trap 'stop_all; rm -rf "$TMP"' EXIT
ulimit -n $((N + 1024))  # both the gateway and the client hold N sockets
start_parapet "$(printf '[limits]\nmax_connections = %d' $((N + 100)))"
sleep 1
before=$(rss_kb "$GW_PID")
PORT=${DATA##*:}
node - "$PORT" "$N" "$GW_PID" <<'JS'
const net = require('node:net');
const fs = require('node:fs');
const [port, n, pid] = process.argv.slice(2).map(Number);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const socks = [];
let answered = 0;
function open(i) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n'));
    s.once('data', () => { answered++; resolve(); });
    s.on('error', reject);
    socks.push(s);
  });
}
(async () => {
  for (let i = 0; i < n; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) => open(i + k)));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const open_now = socks.filter((s) => !s.destroyed).length;
  console.log(`connections answered ${answered}, still open after 2 s: ${open_now}`);
  console.log(`RSS_WITH_CONNECTIONS ${rss()}`);
  for (const s of socks) s.destroy();
  await new Promise((r) => setTimeout(r, 1500));
  console.log(`RSS_AFTER_CLOSE ${rss()}`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
echo "RSS before: $before KB (peak over the run: $(hwm_kb "$GW_PID") KB)"
