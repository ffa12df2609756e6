#pragma once
// GoHighLevel Marketplace webhooks (specs/integrations.md §1): signature checks and parsing.
#include <memory>
#include <optional>

#include "ingest/signature.hpp"
#include "ingest/source_adapter.hpp"

namespace jorge::ingest {

struct GhlWebhookKeys {
  bool verify_signatures = true;       // false only for local experiments; logged at start
  std::optional<PublicKey> rsa;        // x-wh-signature
  std::optional<PublicKey> ed25519;    // x-ghl-signature
};

std::unique_ptr<SourceAdapter> make_ghl_adapter(GhlWebhookKeys keys);

}  // namespace jorge::ingest
