// Route phase: which gateway and upstream a request target names, and where it goes upstream.
//
// `/{gateway}/{provider}/{native path}[?query]` → the configured upstream for `provider` and the
// upstream path (provider base path + the provider's mapping of the native path, query kept).
// Pure: no I/O; reads only the snapshot it is given.
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/url.h"
#include "config/config.h"

namespace parapet::route {

struct Target {
  std::string_view gateway;                    // points into the request target
  std::string_view native;                     // after /{gateway}/{provider}, query included
  const config::Upstream* upstream = nullptr;  // points into the snapshot
  // Where to connect: &upstream->base_url, or &owned_url when the host depends on the path (Azure).
  const Url* url = nullptr;
  std::optional<Url> owned_url;
  std::string path;  // origin-form target for the upstream request, query included
  // POST /{gateway} with no provider segment: the universal endpoint (a JSON array of steps,
  // docs/reliability.md); upstream, url and path are then unset.
  bool universal = false;
  // /{gateway}/compat/... (and /v1/... on the default gateway): the OpenAI-compatible endpoint
  // (docs/translation.md). `native` is the rest ("/chat/completions", "/models"); the upstream is
  // chosen later from the body's `model` (pipeline/compat.cc).
  bool compat = false;

  Target() = default;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  Target(Target&&) = default;
};

// `/v1/...` is `/default/compat/...` unless a gateway is named "v1", so an OpenAI SDK's base URL
// can be `http://host:port/v1` unchanged.
// REQUIRES: target is the raw request-target of an origin-form request (starts with '/').
// Errors: kNotFound for an unknown gateway or provider or a path the provider cannot serve;
// out.gateway is set as soon as the gateway is known, so an error can still be attributed to it.
Result<bool> resolve(const config::Snapshot& snap, std::string_view target, Target& out);

// Where `native` (after /{gateway}/{provider}, query included) goes on upstream `up`: sets
// out.upstream, url, owned_url and path. Used by resolve() and for fallback and universal steps.
Result<bool> map_upstream(const config::Upstream& up, std::string_view native, Target& out);

}  // namespace parapet::route
