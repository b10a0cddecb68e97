// /admin/keys: gateway tokens and virtual keys (docs/access.md).
//   GET    /admin/keys       every key, active and revoked: id, kind, name, gateways, provider,
//                            a provider-key hint, origin, created/revoked times. Never a secret.
//   POST   /admin/keys       {"kind":"gateway_token"|"virtual_key","name":..,"gateways":[..],
//                             "provider":..,"provider_key":..} → 201 with the secret, shown once
//   DELETE /admin/keys/ID    revoke (kept for the audit trail; refused for config-file keys)
// Changes take effect on every worker at their next request.
// Thread-safety: the handler runs on the admin thread; the Registry is thread-safe.
#pragma once

#include "access/registry.h"
#include "admin/handlers.h"

namespace parapet::admin {

Handler keys_handler(access::Registry& registry);

}  // namespace parapet::admin
