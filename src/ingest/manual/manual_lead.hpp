#pragma once
// The body of POST /api/v1/leads: a lead typed in by the team (open house, phone call).
// Strict: unknown fields are rejected so a typo does not silently drop data.
#include <string_view>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest {

// Fields: first_name, last_name, name, phone, email, source, message, address, city, state,
// postal_code, country, tags (array of strings), custom_fields (object of key -> value).
// Needs a phone or an e-mail that can be normalised. The caller sets idempotency_key.
Result<InboundEvent> parse_manual_lead(std::string_view body);

}  // namespace jorge::ingest
