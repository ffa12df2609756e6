#include "ingest/manual/manual_lead.hpp"

#include <set>

#include "ingest/internal/json_body.hpp"
#include "ingest/normalise.hpp"

namespace jorge::ingest {

using nlohmann::json;
using internal::text_field;

Result<InboundEvent> parse_manual_lead(std::string_view body) {
  JORGE_TRY(json parsed, internal::parse_json_object("lead", body));
  static const std::set<std::string, std::less<>> kStringFields = {
      "first_name", "last_name", "name", "phone", "email", "source", "message",
      "address", "city", "state", "postal_code", "country"};
  for (const auto& [key, value] : parsed.items()) {
    if (kStringFields.count(key)) {
      if (!value.is_string() && !value.is_null())
        return Error{ErrorCode::kInvalidArgument, "lead: \"" + key + "\" must be a string"};
      if (value.is_string() && value.get_ref<const std::string&>().size() > 4096)
        return Error{ErrorCode::kInvalidArgument, "lead: \"" + key + "\" is longer than 4096 bytes"};
    } else if (key == "tags") {
      if (!value.is_array()) return Error{ErrorCode::kInvalidArgument, "lead: \"tags\" must be an array of strings"};
      for (const auto& tag : value)
        if (!tag.is_string()) return Error{ErrorCode::kInvalidArgument, "lead: \"tags\" must be an array of strings"};
    } else if (key == "custom_fields") {
      if (!value.is_object()) return Error{ErrorCode::kInvalidArgument, "lead: \"custom_fields\" must be an object"};
    } else {
      return Error{ErrorCode::kInvalidArgument, "lead: unknown field \"" + key.substr(0, 64) +
                                                    "\" (see docs/api.md for the accepted fields)"};
    }
  }
  ContactFacts facts;
  facts.country = text_field(parsed, "country");
  normalise_contact({text_field(parsed, "first_name"), text_field(parsed, "last_name"), text_field(parsed, "name"),
                     text_field(parsed, "phone"), text_field(parsed, "email"), facts.country},
                    facts);
  if (!text_field(parsed, "phone").empty() && !facts.phone)
    return Error{ErrorCode::kInvalidArgument, "lead: \"phone\" is not a phone number"};
  if (!text_field(parsed, "email").empty() && facts.email.empty())
    return Error{ErrorCode::kInvalidArgument, "lead: \"email\" is not an e-mail address"};
  if (!facts.phone && facts.email.empty())
    return Error{ErrorCode::kInvalidArgument, "lead: give at least a \"phone\" or an \"email\""};
  normalise_place({text_field(parsed, "address"), text_field(parsed, "city"), text_field(parsed, "state"),
                   text_field(parsed, "postal_code")},
                  facts);
  facts.lead_source = clean_text(text_field(parsed, "source"));
  if (parsed.contains("tags"))
    for (const auto& tag : parsed["tags"]) facts.tags.push_back(tag.get<std::string>());
  if (parsed.contains("custom_fields"))
    for (const auto& [key, value] : parsed["custom_fields"].items())
      facts.custom_fields.push_back({key, internal::field_value(value)});
  InboundEvent event;
  event.source = "manual";
  event.event_type = "ManualLead";
  std::string message = text_field(parsed, "message");
  if (!message.empty()) {
    InteractionRecord note;
    note.direction = Direction::kInbound;
    note.channel = "Note";
    note.body = message;
    event.interaction = std::move(note);
  }
  event.contact = std::move(facts);
  return event;
}

}  // namespace jorge::ingest
