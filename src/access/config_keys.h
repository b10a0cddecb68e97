// Keys declared in the config file ([[access.keys]]) as Keys: the provider key of a virtual key is
// read from the environment variable the entry names. Pure apart from the injected lookup.
// Thread-safety: pure function.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access/keys.h"
#include "config/config.h"

namespace parapet::access {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Errors name the entry and the missing variable.
Result<std::vector<Key>> keys_from_config(const config::AccessOptions& a, const EnvLookup& env);

// The process environment.
std::optional<std::string> getenv_lookup(const std::string& name);

}  // namespace parapet::access
