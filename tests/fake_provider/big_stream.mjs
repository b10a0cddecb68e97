// x-fake-big-stream: an OpenAI-style SSE stream of about `bytes` bytes, written the way a careful
// server writes: when write() says the buffer is full, wait for 'drain'. stats.bigStreamBytesWritten
// counts what was handed to write(), so a client (or gateway) that stops reading stops it growing.

const filler = 'x'.repeat(900);

function event(i) {
  const chunk = {
    id: 'chatcmpl-CXqBigStream0000000000000001', object: 'chat.completion.chunk',
    created: 1762583400, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_560af6e559',
    choices: [{ index: 0, delta: { content: `${i} ${filler}` }, logprobs: null, finish_reason: null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function drainOrClose(res) {
  return new Promise((resolve) => {
    const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function bigStream(res, bytes, stats, isClosed) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  res.flushHeaders();
  let sent = 0;
  for (let i = 0; sent < bytes; i++) {
    if (isClosed()) return;
    const piece = event(i);
    sent += piece.length;
    stats.bigStreamBytesWritten += piece.length;
    if (!res.write(piece)) await drainOrClose(res);
  }
  if (!isClosed()) res.end('data: [DONE]\n\n');
}
