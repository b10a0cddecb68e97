// Prints the hostile request table as Markdown for docs/hardening.md ("Hostile requests"):
//   node tests/hostile/table.mjs
import { rows, FIXED } from './requests.mjs';

// The common start of most rows is abbreviated: "POST /P …" is "POST /default/echo/hostile
// HTTP/1.1\r\nHost: x\r\n".
const show = (raw) => {
  raw = raw.replace(/^(GET|POST) \/default\/echo\/hostile HTTP\/1\.1\r\nHost: x\r\n/, '$1 /P … ')
    .replaceAll('/default/echo/hostile', '/P');
  let s = raw.length > 90 ? `${raw.slice(0, 70)}…(${raw.length} bytes)` : raw;
  s = s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => ({ '\r': '\\r', '\n': '\\n', '\t': '\\t' }[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return '`' + s.replace(/`/g, "'").replace(/\|/g, '\\|') + '`';
};
console.log('| row | request (start) | status | closes | fixed here | reference / decision |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const status = `${r.interim ? r.interim.join(', ') + ' then ' : ''}${r.status}`;
  console.log(`| ${r.name} | ${show(r.raw)} | ${status} | ${r.close ? 'yes' : 'no'} | ${FIXED.has(r.name) ? '**yes**' : ''} | ${r.ref.replace(/\|/g, '\\|')} |`);
}
