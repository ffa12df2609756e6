#pragma once
// Facebook Lead Ads webhooks (specs/integrations.md §3.2-3.4). The notification carries no
// personal data: each `leadgen` change becomes an event that is stored with a
// "fetch_facebook_lead" job, which fetches the lead from the Graph API later (graph_lead.hpp).
#include <memory>
#include <optional>
#include <string>

#include "ingest/source_adapter.hpp"

namespace jorge::ingest {


// POST /webhooks/facebook: X-Hub-Signature-256 with the app secret.
std::unique_ptr<SourceAdapter> make_facebook_adapter(std::string app_secret);

// The notification body alone: one event per distinct leadgen_id (ids as strings or numbers),
// other change fields ignored. kInvalidArgument naming what is wrong.
Result<std::vector<InboundEvent>> parse_leadgen_notification(std::string_view body);

// GET /webhooks/facebook: the subscription handshake, from the decoded hub.mode,
// hub.verify_token and hub.challenge. The challenge to answer with (200, text/plain) when mode
// is "subscribe" and the token matches (constant time); nothing -> 403.
std::optional<std::string> verification_challenge(std::string_view mode, std::string_view token,
                                                  std::string_view challenge, std::string_view verify_token);

}  // namespace jorge::ingest
