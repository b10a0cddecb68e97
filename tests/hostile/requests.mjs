// The hostile HTTP table (issue 7, docs/hardening.md "Hostile requests"): raw requests sent over a
// bare socket to the gateway (tests/integration/hostile.test.mjs), each with the status it must
// get, whether the connection must close after it, and whether anything may reach the upstream.
// `P` is a path to the echo origin: a forwarded request shows up at the fake provider.
const P = '/default/echo/hostile';
const h = (...lines) => lines.join('\r\n') + '\r\n\r\n';
const post = (...fields) => h(`POST ${P} HTTP/1.1`, 'Host: x', ...fields);

// ref: where the rule comes from (RFC 9112 section, or the proxy whose behaviour we match).
export const rows = [
  // Request smuggling: ambiguous framing is refused and the connection closed.
  { name: 'CL and TE together', raw: post('Content-Length: 5', 'Transfer-Encoding: chunked') + '5\r\nhello\r\n0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §6.1 (MUST close)' },
  { name: 'TE then CL', raw: post('Transfer-Encoding: chunked', 'Content-Length: 5') + '0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §6.1' },
  { name: 'duplicate equal Content-Length', raw: post('Content-Length: 5', 'Content-Length: 5') + 'hello', status: 400, close: true, ref: 'nginx, h2o' },
  { name: 'conflicting Content-Length', raw: post('Content-Length: 5', 'Content-Length: 6') + 'hello!', status: 400, close: true, ref: 'RFC 9112 §6.3' },
  { name: 'Content-Length list', raw: post('Content-Length: 5, 5') + 'hello', status: 400, close: true, ref: 'RFC 9112 §6.3' },
  { name: 'Content-Length with sign', raw: post('Content-Length: +5') + 'hello', status: 400, close: true, ref: 'RFC 9110 §8.6' },
  { name: 'Content-Length with inner space', raw: post('Content-Length: 1 0') + 'helloworld', status: 400, close: true, ref: 'RFC 9110 §8.6' },
  { name: 'Content-Length in hex', raw: post('Content-Length: 0x5') + 'hello', status: 400, close: true, ref: 'RFC 9110 §8.6' },
  { name: 'Content-Length overflow', raw: post('Content-Length: 99999999999999999999999') + 'x', status: 400, close: true, ref: 'nginx' },
  { name: 'TE chunked, identity', raw: post('Transfer-Encoding: chunked, identity') + '0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §6.3 (chunked must be last)' },
  { name: 'TE identity, chunked', raw: post('Transfer-Encoding: identity, chunked') + '0\r\n\r\n', status: 400, close: true, ref: 'nginx (501); identity is no coding' },
  { name: 'TE xchunked', raw: post('Transfer-Encoding: xchunked') + '0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §6.3' },
  { name: 'TE with space before colon', raw: post('Transfer-Encoding : chunked') + '0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §5.1 (MUST reject)' },
  { name: 'TE with tab before value', raw: post('Transfer-Encoding:\tchunked') + '0\r\n\r\n', status: 200, close: false, forwarded: true, ref: 'RFC 9110 §5.5 (OWS is tab or space)' },
  { name: 'TE upper case', raw: post('Transfer-Encoding: CHUNKED') + '0\r\n\r\n', status: 200, close: false, forwarded: true, ref: 'RFC 9110 §7 (codings are case-insensitive)' },
  { name: 'two TE headers', raw: post('Transfer-Encoding: chunked', 'Transfer-Encoding: chunked') + '0\r\n\r\n', status: 400, close: true, ref: 'h2o' },
  { name: 'TE with vertical tab', raw: post('Transfer-Encoding: \x0bchunked') + '0\r\n\r\n', status: 400, close: true, ref: 'smuggler vtab mutation' },
  { name: 'TE with form feed', raw: post('Transfer-Encoding: chunked\x0c') + '0\r\n\r\n', status: 400, close: true, ref: 'smuggler ff mutation' },
  { name: 'TE with DEL', raw: post('Transfer-Encoding: chunked\x7f') + '0\r\n\r\n', status: 400, close: true, ref: 'smuggler 0x7f mutation' },
  { name: 'TE with 0xff', raw: post('Transfer-Encoding: \xffchunked') + '0\r\n\r\n', status: 400, close: true, ref: 'smuggler 0xff mutation' },
  { name: 'TE name prefixed', raw: post('XTransfer-Encoding: chunked', 'Content-Length: 5') + 'hello', status: 200, close: false, forwarded: true, ref: 'smuggler nameprefix: an unknown field' },
  { name: 'TE on HTTP/1.0', raw: h(`POST ${P} HTTP/1.0`, 'Host: x', 'Transfer-Encoding: chunked') + '0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §6.1 (1.0 has no chunked)' },
  // Chunks.
  { name: 'negative chunk size', raw: post('Transfer-Encoding: chunked') + '-5\r\nhello\r\n0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §7.1' },
  { name: 'chunk size overflow', raw: post('Transfer-Encoding: chunked') + 'ffffffffffffffffff\r\nx\r\n0\r\n\r\n', status: 400, close: true, ref: 'nginx' },
  { name: 'chunk size 0x prefix', raw: post('Transfer-Encoding: chunked') + '0x5\r\nhello\r\n0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §7.1' },
  { name: 'chunk size with space', raw: post('Transfer-Encoding: chunked') + '5 \r\nhello\r\n0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §7.1 (no BWS before CRLF)' },
  { name: 'chunk extension with bare LF', raw: post('Transfer-Encoding: chunked') + '5;a=\nb\r\nhello\r\n0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §7.1.1' },
  { name: 'chunk data longer than its size', raw: post('Transfer-Encoding: chunked') + '3\r\nhello\r\n0\r\n\r\n', status: 400, close: true, ref: 'RFC 9112 §7.1' },
  // Line endings and field syntax.
  { name: 'bare LF line endings', raw: `GET ${P} HTTP/1.1\nHost: x\n\n`, status: 400, close: true, ref: 'RFC 9112 §2.2 (a server MAY accept; h2o refuses)' },
  { name: 'bare CR in a field', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'X-A: a\rb'), status: 400, close: true, ref: 'RFC 9112 §2.2 (MUST reject bare CR)' },
  { name: 'obs-fold', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'X-A: a', ' folded'), status: 400, close: true, ref: 'RFC 9112 §5.2 (reject or replace)' },
  { name: 'NUL in a field value', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'X-A: a\x00b'), status: 400, close: true, ref: 'RFC 9110 §5.5' },
  { name: 'control byte in a field value', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'X-A: a\x01b'), status: 400, close: true, ref: 'RFC 9110 §5.5' },
  { name: 'NUL in a field name', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'X-\x00A: a'), status: 400, close: true, ref: 'RFC 9110 §5.1' },
  { name: 'space in a field name', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'X A: a'), status: 400, close: true, ref: 'RFC 9110 §5.1' },
  // Sizes.
  { name: 'request line over the limit', raw: h(`GET ${P}/${'a'.repeat(9000)} HTTP/1.1`, 'Host: x'), status: 414, close: true, ref: 'nginx large_client_header_buffers' },
  { name: 'one huge header', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', `X-Big: ${'a'.repeat(70000)}`), status: 431, close: true, ref: 'RFC 6585 §5' },
  { name: 'too many headers', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', ...Array.from({ length: 150 }, (_, i) => `X-${i}: v`)), status: 431, close: true, ref: 'RFC 6585 §5' },
  { name: 'body over the limit', raw: post('Content-Length: 70000') + 'a'.repeat(70000), status: 413, close: true, ref: 'nginx client_max_body_size' },
  // Versions, targets and Host.
  { name: 'HTTP/1.0 without Host', raw: h(`GET ${P} HTTP/1.0`), status: 200, close: true, forwarded: true, ref: 'RFC 9112 §3.2 (Host is 1.1)' },
  { name: 'missing Host on HTTP/1.1', raw: h(`GET ${P} HTTP/1.1`), status: 400, close: true, ref: 'RFC 9112 §3.2 (MUST 400)' },
  { name: 'two Host headers', raw: h(`GET ${P} HTTP/1.1`, 'Host: x', 'Host: y'), status: 400, close: true, ref: 'RFC 9112 §3.2 (MUST 400)' },
  { name: 'absolute-form target', raw: h(`GET http://x${P} HTTP/1.1`, 'Host: x'), status: 404, close: false, ref: 'a gateway, not a forward proxy: the target is no /{gateway}/ path' },
  { name: 'asterisk-form target', raw: h('OPTIONS * HTTP/1.1', 'Host: x'), status: 404, close: false, ref: 'same' },
  { name: 'invalid method token', raw: h(`G{T ${P} HTTP/1.1`, 'Host: x'), status: 400, close: true, ref: 'RFC 9110 §9.1' },
  { name: 'HTTP/2 preface', raw: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 400, close: true, ref: 'RFC 9113 §3.4 (no h2c here)' },
  { name: 'HTTP/0.9 request line', raw: `GET ${P}\r\n\r\n`, status: 400, close: true, ref: 'RFC 9112 (0.9 unsupported)' },
  { name: 'HTTP/1.2', raw: h(`GET ${P} HTTP/1.2`, 'Host: x'), status: 400, close: true, ref: 'we speak 1.0 and 1.1 only' },
  { name: 'HTTP/2.0 in a request line', raw: h(`GET ${P} HTTP/2.0`, 'Host: x'), status: 400, close: true, ref: 'same' },
  // Expect.
  { name: 'unknown expectation', raw: post('Content-Length: 5', 'Expect: 200-ok') + 'hello', status: 417, close: true, ref: 'RFC 9110 §10.1.1 (MAY 417)' },
  { name: '100-continue with a body over the limit', raw: post('Content-Length: 70000', 'Expect: 100-continue'), status: 413, close: true, ref: 'RFC 9110 §10.1.1 (final status instead of 100)' },
];
