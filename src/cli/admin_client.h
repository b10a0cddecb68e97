// The CLI's way to the admin API: one blocking request on 127.0.0.1 (or wherever --admin points),
// answer decoded by the same HTTP parser the gateway uses. Everything the admin API offers, the
// CLI offers through this (VISION.md).
// Thread-safety: no shared state.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet::cli {

struct AdminAnswer {
  int status = 0;
  std::string body;
};

// GET `target` (path + query) from the admin listener at host:port.
Result<AdminAnswer> admin_get(const std::string& admin, const std::string& target);
// Any method; a non-empty `body` is sent as JSON.
Result<AdminAnswer> admin_call(const std::string& admin, std::string_view method,
                               const std::string& target, std::string_view body);

// GET a streaming endpoint; on_bytes gets the decoded body as it arrives and returns false to stop.
Result<int> admin_stream(const std::string& admin, const std::string& target,
                         const std::function<bool(std::string_view)>& on_bytes);

}  // namespace parapet::cli
