// The hostile HTTP/1.1 request table: each row is raw bytes sent on a fresh connection to the real
// gateway, the status it must answer and whether it must close the connection afterwards. Run by
// tests/integration/hostile.test.mjs; every row and its decision is listed in docs/hardening.md.
//
// Row fields:
//   name     unique id (also the row's name in docs/hardening.md)
//   ref      what the expectation is taken from: RFC 9112/9110 sections, nginx, Envoy, h2o, smuggler
//   raw      the bytes, as a latin1 string (each char is one byte; \x escapes for controls/obs-text)
//   status   expected final status
//   close    the gateway must close the connection after answering
//   forwarded  the request must reach the upstream (default: status < 400)
//   interim  expected 1xx statuses before the final answer (default none)
//   count    answers expected on the connection (pipelining; default 1)
//
// The gateway runs with the limits in GATEWAY_CONFIG below (small, so rows stay small and fast).

export const LIMITS = {
  max_body_bytes: 65536,
  max_header_bytes: 16384,
  max_header_count: 100,
  max_uri_bytes: 8192,
  header_timeout_ms: 1000,
  body_timeout_ms: 1000,
};

export const GATEWAY_CONFIG = `[limits]\n${Object.entries(LIMITS).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`;

const P = '/default/echo/hostile';
const AI = '/default/openai/chat/completions';
const head = (lines) => [...lines, '', ''].join('\r\n');
const post = (extra, body = '') => head([`POST ${P} HTTP/1.1`, 'Host: x', ...extra]) + body;
const get = (extra = []) => head([`GET ${P} HTTP/1.1`, 'Host: x', ...extra]);
const te = (value, body = '5\r\nhello\r\n0\r\n\r\n') => post([`Transfer-Encoding: ${value}`], body);
const chunked = (body) => post(['Transfer-Encoding: chunked'], body);
const json = (body) =>
  head([`POST ${AI} HTTP/1.1`, 'Host: x', 'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body, 'latin1')}`]) + body;

const RFC_CLTE = 'RFC 9112 §6.3 (CL+TE: MAY reject, MUST close); nginx 1.21.1 400; Envoy allow_chunked_length=false';
const RFC_CL = 'RFC 9110 §8.6 (1*DIGIT; invalid CL is unrecoverable, RFC 9112 §6.3 p5); nginx 400; h2o 400';
const RFC_TE = 'RFC 9112 §6.1/§6.3 (final coding must be chunked); h2o 400; nginx 501';
const SMUGGLER = 'defparam/smuggler TE mutation';
const CHUNK = 'RFC 9112 §7.1 (chunk-size = 1*HEXDIG); picohttpparser/h2o 400; HTTP Garden';
const FIELD = 'RFC 9112 §5.1 (no whitespace before colon), RFC 9110 §5.5 (no CR/LF/NUL); nginx 1.21.1 400';
const EOL = 'RFC 9112 §2.2 (MAY accept bare LF; bare CR MUST be rejected or replaced)';

export const rows = [
  // --- Content-Length and Transfer-Encoding together, repeated or malformed ---
  { name: 'cl-and-te', ref: RFC_CLTE, raw: post(['Content-Length: 5', 'Transfer-Encoding: chunked'], '5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'te-and-cl', ref: RFC_CLTE, raw: post(['Transfer-Encoding: chunked', 'Content-Length: 5'], '5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'cl-duplicate-equal', ref: `${RFC_CL}; nginx rejects any repeat`, raw: post(['Content-Length: 5', 'Content-Length: 5'], 'hello'), status: 400, close: true },
  { name: 'cl-duplicate-conflict', ref: RFC_CL, raw: post(['Content-Length: 5', 'Content-Length: 6'], 'hello!'), status: 400, close: true },
  { name: 'cl-list', ref: RFC_CL, raw: post(['Content-Length: 5, 5'], 'hello'), status: 400, close: true },
  { name: 'cl-plus-sign', ref: RFC_CL, raw: post(['Content-Length: +5'], 'hello'), status: 400, close: true },
  { name: 'cl-minus-sign', ref: RFC_CL, raw: post(['Content-Length: -5'], 'hello'), status: 400, close: true },
  { name: 'cl-hex', ref: `${RFC_CL}; HTTP Garden (Akamai 0x CL)`, raw: post(['Content-Length: 0x5'], 'hello'), status: 400, close: true },
  { name: 'cl-inner-space', ref: RFC_CL, raw: post(['Content-Length: 1 5'], 'hello'), status: 400, close: true },
  { name: 'cl-empty', ref: RFC_CL, raw: post(['Content-Length:'], 'hello'), status: 400, close: true },
  { name: 'cl-overflow', ref: RFC_CL, raw: post(['Content-Length: 99999999999999999999999'], 'hello'), status: 400, close: true },
  { name: 'cl-ows-accepted', ref: 'RFC 9110 §5.5 (OWS around a value is not part of it)', raw: post(['Content-Length:  5 '], 'hello'), status: 200, close: false },
  { name: 'cl-over-max-body', ref: 'nginx client_max_body_size 413; h2o max_request_entity_size 413', raw: post([`Content-Length: ${LIMITS.max_body_bytes + 1}`]), status: 413, close: true },
  { name: 'cl-space-before-colon', ref: `${FIELD}; HTTP Garden`, raw: post(['Content-Length : 5'], 'hello'), status: 400, close: true },

  // --- Transfer-Encoding obfuscations ---
  { name: 'te-chunked-identity', ref: RFC_TE, raw: te('chunked, identity'), status: 400, close: true },
  { name: 'te-identity-chunked', ref: `${RFC_TE}; we accept only exactly "chunked"`, raw: te('identity, chunked'), status: 400, close: true },
  { name: 'te-gzip-chunked', ref: `${RFC_TE}; we accept only exactly "chunked"`, raw: te('gzip, chunked'), status: 400, close: true },
  { name: 'te-xchunked', ref: SMUGGLER, raw: te('xchunked'), status: 400, close: true },
  { name: 'te-chunkedx', ref: SMUGGLER, raw: te('chunkedx'), status: 400, close: true },
  { name: 'te-quoted', ref: SMUGGLER, raw: te('"chunked"'), status: 400, close: true },
  { name: 'te-empty', ref: RFC_TE, raw: te(''), status: 400, close: true },
  { name: 'te-trailing-space-ok', ref: 'RFC 9110 §5.5 (trailing OWS)', raw: te('chunked '), status: 200, close: false },
  { name: 'te-trailing-tab-ok', ref: 'RFC 9110 §5.5 (trailing OWS)', raw: te('chunked\t'), status: 200, close: false },
  { name: 'te-tabprefix-ok', ref: `${SMUGGLER} (tabprefix1: legal OWS)`, raw: te('\tchunked'), status: 200, close: false },
  { name: 'te-uppercase-ok', ref: 'RFC 9112 §7 (coding names are case-insensitive)', raw: te('CHUNKED'), status: 200, close: false },
  { name: 'te-two-headers', ref: `${RFC_TE}; nginx/Envoy`, raw: post(['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], '5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'te-http10', ref: 'RFC 9112 §6.1 (TE in HTTP/1.0 is faulty framing); nginx 400', raw: `POST ${P} HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, status: 400, close: true },
  { name: 'te-nameprefix-fold', ref: `${SMUGGLER} (nameprefix1); RFC 9112 §5.2 obs-fold`, raw: head([`POST ${P} HTTP/1.1`, 'Host: x', 'Foo: bar', ' Transfer-Encoding: chunked']) + '5\r\nhello\r\n0\r\n\r\n', status: 400, close: true },
  { name: 'te-nameprefix-first-line', ref: `${SMUGGLER}; RFC 9112 §2.2 (whitespace before first field: reject)`, raw: head([`POST ${P} HTTP/1.1`, ' Transfer-Encoding: chunked', 'Host: x']) + '5\r\nhello\r\n0\r\n\r\n', status: 400, close: true },
  { name: 'te-space-before-colon', ref: `${SMUGGLER}; ${FIELD}`, raw: post(['Transfer-Encoding : chunked'], '5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'te-tab-before-colon', ref: `${SMUGGLER} (tabprefix2); ${FIELD}`, raw: post(['Transfer-Encoding\t: chunked'], '5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'te-underscore-name', ref: 'nginx underscores_in_headers off (drops the field); not TE for us: no body framing', raw: post(['Transfer_Encoding: chunked', 'Content-Length: 0']), status: 200, close: false },
  { name: 'te-cl-tabprefix', ref: `${SMUGGLER} (tabprefix with CL); ${RFC_CLTE}`, raw: post(['Content-Length: 5', 'Transfer-Encoding:\tchunked'], 'hello'), status: 400, close: true },
  ...[['0b', 'vertical tab'], ['0c', 'form feed'], ['7f', 'DEL'], ['a0', 'NBSP'], ['ff', '0xff'], ['00', 'NUL'], ['0d', 'bare CR']].flatMap(([hex, what]) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return [
      { name: `te-${hex}-before-value`, ref: `${SMUGGLER} (${what} before value)`, raw: te(`${c}chunked`), status: 400, close: true },
      { name: `te-${hex}-after-value`, ref: `${SMUGGLER} (${what} after value)`, raw: te(`chunked${c}`), status: 400, close: true },
    ];
  }),
  { name: 'te-0b-in-name', ref: SMUGGLER, raw: post(['Transfer-Encoding\x0b: chunked'], '5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },

  // --- chunk sizes, extensions and data ---
  { name: 'chunk-negative', ref: CHUNK, raw: chunked('-5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-0x-prefix', ref: CHUNK, raw: chunked('0x5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-underscore', ref: `${CHUNK} (Python int() accepts 0_5)`, raw: chunked('0_5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-leading-space', ref: CHUNK, raw: chunked(' 5\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-trailing-space', ref: `${CHUNK}; BWS only before ";"`, raw: chunked('5 \r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-empty-size', ref: CHUNK, raw: chunked('\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-hex-overflow', ref: `${CHUNK}; nginx/h2o overflow check`, raw: chunked('10000000000000005\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-size-leading-zeros-ok', ref: 'RFC 9112 §7.1 (1*HEXDIG: leading zeros are valid; nginx accepts, picohttpparser caps at 16 digits); the value is what is bounded', raw: chunked('00000000000000000000005\r\nhello\r\n0\r\n\r\n'), status: 200, close: false },
  { name: 'chunk-over-max-body', ref: 'nginx client_max_body_size 413', raw: chunked('100000\r\n'), status: 413, close: true },
  { name: 'chunk-data-too-long', ref: CHUNK, raw: chunked('5\r\nhelloXX\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-missing-crlf', ref: CHUNK, raw: chunked('5\r\nhello0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-bare-lf', ref: `${CHUNK}; ${EOL}`, raw: chunked('5\nhello\n0\n\n'), status: 400, close: true },
  { name: 'chunk-ext-ok', ref: 'RFC 9112 §7.1.1', raw: chunked('5;name=value\r\nhello\r\n0\r\n\r\n'), status: 200, close: false },
  { name: 'chunk-ext-quoted-ok', ref: 'RFC 9112 §7.1.1', raw: chunked('5;name="a b"\r\nhello\r\n0\r\n\r\n'), status: 200, close: false },
  { name: 'chunk-ext-bare-cr', ref: 'HTTP Garden (Node.js bug 2: CR in chunk-ext)', raw: chunked('5;a\rb\r\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-ext-bare-lf', ref: 'HTTP Garden (picohttpparser PR #78)', raw: chunked('5;a\nhello\r\n0\r\n\r\n'), status: 400, close: true },
  { name: 'chunk-ext-oversized', ref: 'CVE-2023-39326 class (Go: unbounded chunk-ext); we cap a chunk line at 4 KiB', raw: chunked(`5;a=${'b'.repeat(32768)}\r\nhello\r\n0\r\n\r\n`), status: 400, close: true },
  { name: 'chunk-missing-final', ref: 'nginx client_body_timeout 408', raw: chunked('5\r\nhello\r\n'), status: 408, close: true },
  { name: 'chunk-trailer-ok', ref: 'RFC 9112 §7.1.2 (trailers dropped)', raw: chunked('5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n'), status: 200, close: false },

  // --- line endings, folding, bytes in names and values ---
  { name: 'bare-lf-head', ref: `${EOL}; nginx/h2o accept, we refuse (smuggling policy, research §6.3)`, raw: `GET ${P} HTTP/1.1\nHost: x\n\n`, status: 400, close: true },
  { name: 'bare-lf-one-field', ref: EOL, raw: `GET ${P} HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n`, status: 400, close: true },
  { name: 'bare-lf-end-of-head', ref: EOL, raw: `GET ${P} HTTP/1.1\r\nHost: x\r\n\n`, status: 400, close: true },
  { name: 'bare-cr-field', ref: EOL, raw: `GET ${P} HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n`, status: 400, close: true },
  { name: 'bare-cr-request-line', ref: EOL, raw: `GET ${P}\r HTTP/1.1\r\nHost: x\r\n\r\n`, status: 400, close: true },
  { name: 'obs-fold', ref: 'RFC 9112 §5.2 (reject or unfold); nginx 400', raw: get(['X-A: b', ' c']), status: 400, close: true },
  { name: 'nul-in-name', ref: FIELD, raw: get(['X-\x00A: b']), status: 400, close: true },
  { name: 'nul-in-value', ref: FIELD, raw: get(['X-A: b\x00c']), status: 400, close: true },
  { name: 'ctl-01-in-value', ref: FIELD, raw: get(['X-A: b\x01c']), status: 400, close: true },
  { name: 'del-in-value', ref: FIELD, raw: get(['X-A: b\x7fc']), status: 400, close: true },
  { name: 'ctl-in-name', ref: FIELD, raw: get(['X-\x01A: b']), status: 400, close: true },
  { name: 'space-in-name', ref: FIELD, raw: get(['X A: b']), status: 400, close: true },
  { name: 'empty-name', ref: FIELD, raw: get([': b']), status: 400, close: true },
  { name: 'obs-text-in-value-ok', ref: 'RFC 9110 §5.5 (obs-text allowed in values)', raw: get(['X-A: caf\xe9']), status: 200, close: false },
  { name: 'high-byte-in-name', ref: FIELD, raw: get(['X-\xe9: b']), status: 400, close: true },

  // --- sizes: 414 / 431 / 413 ---
  { name: 'uri-too-long', ref: 'nginx 414; Envoy 431 (path in header size); RFC 9112 §3 414', raw: head([`GET ${P}/${'a'.repeat(LIMITS.max_uri_bytes)} HTTP/1.1`, 'Host: x']), status: 414, close: true },
  { name: 'uri-at-limit-ok', ref: 'limit is inclusive', raw: head([`GET ${P}/${'a'.repeat(LIMITS.max_uri_bytes - P.length - 1)} HTTP/1.1`, 'Host: x']), status: 200, close: false },
  { name: 'header-too-long', ref: 'Envoy max_request_headers_kb 431; RFC 6585 §5', raw: get([`X-A: ${'a'.repeat(LIMITS.max_header_bytes)}`]), status: 431, close: true },
  { name: 'header-count-over', ref: 'Envoy max_headers_count=100 431; Kestrel 100', raw: get(Array.from({ length: LIMITS.max_header_count }, (_, i) => `X-${i}: v`)), status: 431, close: true },
  { name: 'header-count-at-limit-ok', ref: 'limit is inclusive', raw: get(Array.from({ length: LIMITS.max_header_count - 1 }, (_, i) => `X-${i}: v`)), status: 200, close: false },
  { name: 'body-over-max', ref: 'nginx 413', raw: post([`Content-Length: ${LIMITS.max_body_bytes + 10}`], 'a'.repeat(LIMITS.max_body_bytes + 10)), status: 413, close: true },

  // --- Host and request-target forms ---
  { name: 'http10-no-host-ok', ref: 'RFC 9112 §3.2 (Host required from 1.1 on)', raw: `GET ${P} HTTP/1.0\r\n\r\n`, status: 200, close: true },
  { name: 'http11-no-host', ref: 'RFC 9112 §3.2 (MUST 400)', raw: head([`GET ${P} HTTP/1.1`]), status: 400, close: true },
  { name: 'http11-two-hosts', ref: 'RFC 9112 §3.2 (MUST 400)', raw: head([`GET ${P} HTTP/1.1`, 'Host: x', 'Host: y']), status: 400, close: true },
  { name: 'http10-two-hosts', ref: 'RFC 9112 §3.2', raw: `GET ${P} HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n`, status: 400, close: true },
  { name: 'host-with-space', ref: 'RFC 9110 §7.2 (uri-host); nginx "invalid host" 400', raw: head([`GET ${P} HTTP/1.1`, 'Host: a b']), status: 400, close: true },
  { name: 'host-with-slash', ref: 'nginx "invalid host" 400', raw: head([`GET ${P} HTTP/1.1`, 'Host: a/b']), status: 400, close: true },
  { name: 'host-with-userinfo', ref: 'RFC 9110 §4.2.4 (no userinfo)', raw: head([`GET ${P} HTTP/1.1`, 'Host: u@a']), status: 400, close: true },
  { name: 'host-ipv6-port-ok', ref: 'RFC 9110 §7.2', raw: head([`GET ${P} HTTP/1.1`, 'Host: [::1]:8080']), status: 200, close: false },
  { name: 'absolute-form-ok', ref: 'RFC 9112 §3.2.2 (origin MUST accept; Host ignored); nginx routes by its path', raw: head([`GET http://x${P} HTTP/1.1`, 'Host: y']), status: 200, close: false },
  { name: 'absolute-form-no-path', ref: 'RFC 9112 §3.2.2 (empty path is "/")', raw: head(['GET http://x HTTP/1.1', 'Host: x']), status: 404, close: false },
  { name: 'absolute-form-other-scheme', ref: 'RFC 9112 §3.2.2; not a proxy', raw: head([`GET ftp://x${P} HTTP/1.1`, 'Host: x']), status: 400, close: true },
  { name: 'authority-form-connect', ref: 'RFC 9112 §3.2.3 (CONNECT only); nginx 405 since 1.21.1', raw: head(['CONNECT x:443 HTTP/1.1', 'Host: x:443']), status: 405, close: true },
  { name: 'asterisk-form-get', ref: 'RFC 9112 §3.2.4 (OPTIONS only)', raw: head(['GET * HTTP/1.1', 'Host: x']), status: 400, close: true },
  { name: 'target-no-slash', ref: 'RFC 9112 §3.2.1 (origin-form starts with "/")', raw: head(['GET x HTTP/1.1', 'Host: x']), status: 400, close: true },
  { name: 'target-with-fragment', ref: 'RFC 9112 §3.2 (no fragment in target)', raw: head([`GET ${P}#f HTTP/1.1`, 'Host: x']), status: 400, close: true },

  // --- methods and versions ---
  { name: 'method-invalid-char', ref: 'RFC 9110 §9.1 (token); nginx 400', raw: head([`G(T ${P} HTTP/1.1`, 'Host: x']), status: 400, close: true },
  { name: 'method-lowercase', ref: 'nginx: methods are upper-case letters, "-" and "_" only (400)', raw: head([`get ${P} HTTP/1.1`, 'Host: x']), status: 400, close: true },
  { name: 'method-nul', ref: 'RFC 9110 §9.1', raw: head([`GE\x00T ${P} HTTP/1.1`, 'Host: x']), status: 400, close: true },
  { name: 'method-empty', ref: 'RFC 9112 §3', raw: head([` ${P} HTTP/1.1`, 'Host: x']), status: 400, close: true },
  { name: 'request-line-double-space', ref: 'RFC 9112 §3 (single SP); nginx 1.21.1', raw: head([`GET  ${P} HTTP/1.1`, 'Host: x']), status: 400, close: true },
  { name: 'http2-preface', ref: 'RFC 9113 §3.4 preface on an HTTP/1.1 port; nginx 505', raw: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 505, close: true },
  { name: 'http09-request', ref: 'RFC 9112 Appendix C.1; we do not speak HTTP/0.9', raw: `GET ${P}\r\n`, status: 400, close: true },
  { name: 'version-0.9', ref: 'RFC 9110 §15.6.6 505', raw: head([`GET ${P} HTTP/0.9`, 'Host: x']), status: 505, close: true },
  { name: 'version-1.2', ref: 'RFC 9110 §2.5 says serve as 1.1; Beast refuses it and no client sends it: 505 (nginx serves it as 1.1)', raw: head([`GET ${P} HTTP/1.2`, 'Host: x']), status: 505, close: true },
  { name: 'version-2.0', ref: 'RFC 9110 §15.6.6 505; nginx 505', raw: head([`GET ${P} HTTP/2.0`, 'Host: x']), status: 505, close: true },
  { name: 'version-1.10', ref: 'RFC 9112 §2.3 (one digit each)', raw: head([`GET ${P} HTTP/1.10`, 'Host: x']), status: 400, close: true },
  { name: 'version-lowercase', ref: 'RFC 9112 §2.3 (HTTP-name is case-sensitive)', raw: head([`GET ${P} http/1.1`, 'Host: x']), status: 400, close: true },

  // --- pipelining after a refusal ---
  { name: 'pipeline-after-reject', ref: 'RFC 9112 §9.6 (close after a framing error): the second request is never read', raw: post(['Content-Length: 5', 'Content-Length: 6'], 'hello!') + get(), status: 400, close: true, count: 1 },
  { name: 'pipeline-smuggled-in-body', ref: 'CL.TE classic: the body of a refused request is never parsed as a request', raw: post(['Content-Length: 44', 'Transfer-Encoding: chunked'], '0\r\n\r\n' + get()), status: 400, close: true, count: 1 },
  { name: 'pipeline-ok', ref: 'RFC 9112 §9.3.2', raw: get() + get(), status: 200, close: false, count: 2 },

  // --- Expect ---
  { name: 'expect-unknown', ref: 'RFC 9110 §10.1.1 (417)', raw: post(['Expect: teapot', 'Content-Length: 5'], 'hello'), status: 417, close: true },
  { name: 'expect-100-over-max', ref: 'RFC 9110 §10.1.1 (final status instead of 100); nginx 413', raw: post(['Expect: 100-continue', `Content-Length: ${LIMITS.max_body_bytes + 1}`]), status: 413, close: true },
  { name: 'expect-100-no-body', ref: 'RFC 9110 §10.1.1; nginx client_body_timeout 408', raw: post(['Expect: 100-continue', 'Content-Length: 5']), status: 408, close: true, interim: [100] },
  { name: 'expect-100-body-already-sent', ref: 'RFC 9110 §10.1.1 (a server MAY omit 100 when the body is already there)', raw: post(['Expect: 100-continue', 'Content-Length: 5'], 'hello'), status: 200, close: false },
  { name: 'expect-100-http10', ref: 'RFC 9110 §10.1.1 (ignore Expect from HTTP/1.0)', raw: `POST ${P} HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello`, status: 200, close: true },

  // --- timeouts on the head ---
  { name: 'head-never-finished', ref: 'nginx client_header_timeout 408', raw: `GET ${P} HTTP/1.1\r\nHost: x\r\n`, status: 408, close: true },

  // --- bodies to AI routes: the gateway reads model/stream with a bounded, non-recursive scanner
  //     and passes what it cannot read through to the provider (the fake answers 400 to invalid
  //     JSON); it must not crash, hang or answer 5xx itself ---
  { name: 'ai-invalid-utf8', ref: 'decision: passthrough (RFC 8259 §8.1 is the provider\'s to enforce)', raw: json('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\xff\xfe\xc0\xaf"}]}'), status: 200, close: false, forwarded: true },
  { name: 'ai-deep-array', ref: 'decision: passthrough; json_scan is iterative (no recursion)', raw: json('['.repeat(60000)), status: 400, close: false, forwarded: true },
  { name: 'ai-deep-object', ref: 'decision: passthrough; json_scan is iterative (no recursion)', raw: json('{"model":"m","x":' + '{"a":'.repeat(12000)), status: 400, close: false, forwarded: true },
  { name: 'ai-deep-model-value', ref: 'decision: passthrough', raw: json('{"model":' + '['.repeat(30000) + ']'.repeat(30000) + '}'), status: 200, close: false, forwarded: true },
];

// Rows Parapet failed before the hardening change that added this table (run against the previous
// binary: the gateway answered 200, 404, 408 or 400 where the row expects otherwise). Each one's
// fix is described in docs/hardening.md, "Hostile requests".
export const FIXED = new Set([
  'te-http10', 'te-nameprefix-fold', 'chunk-bare-lf', 'chunk-ext-oversized', 'bare-lf-end-of-head',
  'obs-fold', 'host-with-space', 'host-with-slash', 'host-with-userinfo', 'absolute-form-ok',
  'absolute-form-other-scheme', 'authority-form-connect', 'asterisk-form-get', 'target-no-slash',
  'target-with-fragment', 'method-lowercase', 'http2-preface', 'version-0.9', 'version-1.2',
  'version-2.0', 'expect-unknown',
]);
