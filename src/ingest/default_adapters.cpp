#include "ingest/default_adapters.hpp"

#include "ingest/facebook/facebook_webhook.hpp"
#include "ingest/portal/portal_lead.hpp"

namespace jorge::ingest {

std::vector<std::unique_ptr<SourceAdapter>> default_adapters(GhlWebhookKeys ghl,
                                                             const std::vector<SourceSettings>& sources) {
  std::vector<std::unique_ptr<SourceAdapter>> adapters;
  adapters.push_back(make_ghl_adapter(std::move(ghl)));
  for (const SourceSettings& source : sources) {
    if (source.kind == "facebook")
      adapters.push_back(make_facebook_adapter(source.app_secret));
    else if (source.kind == "zillow" || source.kind == "realtor" || source.kind == "portal")
      adapters.push_back(make_portal_adapter(source.name, {source.secret, source.username, source.password}));
  }
  return adapters;
}

}  // namespace jorge::ingest
