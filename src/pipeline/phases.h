// Phases of run() that live in their own files (proxy.cc keeps the order). Each reads and writes
// the Exchange only; none does I/O unless it says so.
// Thread-safety: the worker's thread, like the Exchange.
#pragma once

#include "common/error.h"
#include "pipeline/exchange.h"
#include "route/router.h"

namespace parapet::pipeline {

// Auth phase (auth_phase.cc): gateway tokens and virtual keys (docs/access.md). Sets the record's
// key_id and x.credential_swaps, and rewrites a virtual key in the query of t.path.
Result<bool> authorize(Exchange& x, route::Target& t);

}  // namespace parapet::pipeline
