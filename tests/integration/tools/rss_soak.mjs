#!/usr/bin/env node
// Steady-state memory under upstream faults: N rounds of every fault in tests/fake_provider/faults.mjs
// plus normal answers through one gateway, printing its RSS (VmRSS) after each round. Memory that
// is freed at exit (and so invisible to valgrind) but grows per request would show here as a
// steady climb. Two things grow by design until they are full, so a run meant to see a leak
// shrinks them: SOAK_QUEUE=256 (recorder ring slots, [logs] queue_capacity; default 8192 per
// worker, touched as used) and SOAK_NO_STORE=1 (the SQLite page cache, up to 8 MiB).
//   PARAPET_BIN=build/parapet SOAK_QUEUE=256 SOAK_NO_STORE=1 node tests/integration/tools/rss_soak.mjs 60
import { readFileSync } from 'node:fs';
import { startGateway } from '../lib/harness.mjs';
import { startFaultServer, faultNames } from '../../fake_provider/faults.mjs';
import { streamRequest } from '../lib/util.mjs';

const rounds = Number(process.argv[2] ?? 10);
const faults = await startFaultServer();
const gw = await startGateway({
  upstreams: { openai: `${faults.url}/v1` },
  config: '[upstream]\nfirst_byte_timeout_ms = 200\nidle_timeout_ms = 200\ntotal_timeout_ms = 600\n' +
          '[circuit_breaker]\nenabled = false\n' + `[logs]\nqueue_capacity = ${process.env.SOAK_QUEUE ?? 8192}\nstore = ${!process.env.SOAK_NO_STORE}\n`,
});
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${gw.proc.pid}/status`, 'utf8'))[1]);
const names = faultNames.filter((n) => !['stall-head', 'drip-head', 'endless-100'].includes(n));
for (let round = 1; round <= rounds; round++) {
  const all = [];
  for (const f of [...names, ...Array(names.length).fill(undefined)]) {
    const stream = Boolean(f?.startsWith('sse'));
    const headers = { 'content-type': 'application/json', ...(f ? { 'x-fault': f } : {}) };
    const body = JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] });
    all.push(streamRequest(`${gw.url}/default/openai/chat/completions`, { method: 'POST', headers, body })
      .then((r) => r.done).catch(() => {}));
    if (all.length % 8 === 0) await Promise.all(all.splice(0));
  }
  await Promise.all(all);
  console.log(`round ${round}: ${round * names.length * 2} requests, VmRSS ${rss()} kB`);
}
await gw.stop();
await faults.close();
