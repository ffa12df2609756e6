#pragma once
// Zillow (/webhooks/zillow) and Realtor.com (/webhooks/realtor) leads in Jorge's JSON
// (specs/integrations.md §4.2, §5.2), plus Realtor.com's nested `Lead.lead_info` shape.
// Authenticated by X-Jorge-Signature (HMAC-SHA256 of the raw body with the source's shared
// secret) or, for relays that cannot sign, HTTP basic auth.
#include <memory>
#include <string>

#include "ingest/source_adapter.hpp"

namespace jorge::ingest {

struct PortalAuth {
  std::string secret;              // sources.<name>.secret: X-Jorge-Signature
  std::string username, password;  // sources.<name>.username / .password: basic auth instead
};

// `source` is "zillow" or "realtor" (or another portal name sending the same format).
std::unique_ptr<SourceAdapter> make_portal_adapter(std::string source, PortalAuth auth);

// The body alone, without authentication: for tests and fuzzing. kInvalidArgument naming the
// field when the body is not a lead (never quoting personal data).
Result<InboundEvent> parse_portal_lead(std::string_view source, std::string_view body);

}  // namespace jorge::ingest
