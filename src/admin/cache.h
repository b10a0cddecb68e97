// /admin/cache: the response cache's counters and sizes (GET) and purge (DELETE, all or
// ?gateway=NAME). The CLI's `parapet cache stats|purge` calls these.
// Thread-safety: admin thread; purge blocks it on the cache's I/O thread (never a worker).
#pragma once

#include "admin/handlers.h"
#include "cache/cache.h"

namespace parapet::admin {

Reply cache_admin(cache::Cache& c, const Request& r);

}  // namespace parapet::admin
