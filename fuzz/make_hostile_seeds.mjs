// Writes wire_fuzz seeds (target 0: the HTTP request parser) from the hostile request table,
// tests/hostile/requests.mjs: one file per row of at most 4 KiB, split in the middle.
//   node fuzz/make_hostile_seeds.mjs fuzz/seeds/wire
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rows } from '../tests/hostile/requests.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: make_hostile_seeds.mjs OUT_DIR');
mkdirSync(out, { recursive: true });
let n = 0;
for (const row of rows) {
  const bytes = Buffer.from(row.raw, 'latin1');
  if (bytes.length > 4096) continue;
  writeFileSync(join(out, `hostile_${row.name}`), Buffer.concat([Buffer.from([0, 128]), bytes]));
  n++;
}
console.log(`${n} seeds in ${out}`);
