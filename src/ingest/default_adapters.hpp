#pragma once
// Which adapter serves which configured source: written once, so every command that takes
// webhooks (serve today) builds the same set.
#include <memory>
#include <string>
#include <vector>

#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/source_adapter.hpp"

namespace jorge::ingest {

// A configured source as the adapters need it ([sources.NAME] in jorge.toml).
struct SourceSettings {
  std::string name;  // the webhook path: /webhooks/NAME
  std::string kind;  // facebook, zillow, realtor, portal, email, ...
  std::string secret, username, password;  // portals: HMAC secret or Basic credentials
  std::string app_secret;                  // facebook: the app secret that signs deliveries
};

// GoHighLevel always (the CRM), then one adapter per source that takes webhooks: Facebook Lead
// Ads by its app secret, portals (Zillow, Realtor.com, any "portal") under their own name.
// Sources that are polled (e-mail) or imported have no adapter here.
std::vector<std::unique_ptr<SourceAdapter>> default_adapters(GhlWebhookKeys ghl,
                                                             const std::vector<SourceSettings>& sources);

}  // namespace jorge::ingest
