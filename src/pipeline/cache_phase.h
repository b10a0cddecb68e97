// The cache phase (docs/cache.md): after route/auth/limits, before the upstream; its fill runs
// after the answer streamed back and was priced.
//
//   cache_prepare  before plan_request rewrites the body: reads the controls (400 on malformed
//                  ones) and digests the body as the client sent it.
//   cache_lookup   Returns true when the request is finished without the upstream: a HIT was
//                  replayed, or the client left while waiting for an identical request. Otherwise
//                  returns false with record.cache_status MISS or BYPASS, and the request either
//                  leads the flight for its key or has waited for an identical one that did not
//                  leave an answer.
//   cache_fill     HIT: the cost becomes saved_micros and the cost 0. MISS: a complete 2xx answer
//                  is stored; the flight ends so waiters read it.
// Thread-safety: worker thread; the Cache itself is shared.
#pragma once

#include "pipeline/exchange.h"
#include "route/router.h"

namespace parapet::pipeline {

Result<bool> cache_prepare(Exchange& x, const route::Target& t);
awaitable<bool> cache_lookup(Exchange& x, const route::Target& t);
awaitable<void> cache_fill(Exchange& x);

}  // namespace parapet::pipeline
