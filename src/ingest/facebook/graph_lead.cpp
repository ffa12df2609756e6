#include "ingest/facebook/graph_lead.hpp"

#include "core/json_parse.hpp"
#include "ingest/internal/json_body.hpp"
#include "ingest/normalise.hpp"

namespace jorge::ingest {
namespace {

using nlohmann::json;
using internal::text_field;

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, "facebook lead: " + std::move(message)}; }

const FormFieldMap& standard_questions() {
  static const FormFieldMap map = {
      {"full_name", "full_name"}, {"first_name", "first_name"}, {"last_name", "last_name"},
      {"email", "email"},         {"phone_number", "phone"},    {"phone", "phone"},
      {"street_address", "address"}, {"city", "city"},          {"state", "state"},
      {"province", "state"},      {"zip_code", "postal_code"},  {"post_code", "postal_code"},
      {"zip", "postal_code"},     {"country", "country"}};
  return map;
}

}  // namespace

Result<InboundEvent> parse_graph_lead(std::string_view body, const FormFieldMap& mapping) {
  JORGE_TRY(json parsed, internal::parse_json_object("facebook lead", body));
  std::string id = text_field(parsed, "id");
  if (id.empty() || id.size() > 64) return invalid("\"id\" is missing");
  auto answers = parsed.find("field_data");
  if (answers == parsed.end() || !answers->is_array()) return invalid("\"field_data\" must be an array");

  std::map<std::string, std::string, std::less<>> contact;  // contact field -> first answer
  ContactFacts facts;
  for (const json& answer : *answers) {
    if (!answer.is_object()) return invalid("each field_data entry must be an object");
    std::string question = text_field(answer, "name");
    if (question.empty() || question.size() > 256) return invalid("a field_data entry has no \"name\"");
    auto values = answer.find("values");
    std::vector<std::string> given;
    if (values != answer.end() && values->is_array())
      for (const json& value : *values)
        if (value.is_string() && value.get_ref<const std::string&>().size() <= 4096) given.push_back(clean_text(value.get<std::string>()));
    std::string target = question;
    if (auto mapped = mapping.find(question); mapped != mapping.end()) target = mapped->second;
    else if (auto standard = standard_questions().find(question); standard != standard_questions().end())
      target = standard->second;
    if (standard_questions().count(target) || target == "address" || target == "postal_code") {
      if (!given.empty() && !given.front().empty()) contact[target] = given.front();
      continue;
    }
    if (given.empty()) continue;
    if (given.size() == 1) facts.custom_fields.push_back({target, given.front()});
    else facts.custom_fields.push_back({target, given});
  }
  auto field = [&](std::string_view name) -> std::string {
    auto found = contact.find(name);
    return found == contact.end() ? std::string() : found->second;
  };
  facts.country = field("country").size() == 2 ? field("country") : "";
  normalise_contact({field("first_name"), field("last_name"), field("full_name"), field("phone"), field("email"),
                     facts.country},
                    facts);
  facts.external_id = id;
  normalise_place({field("address"), field("city"), field("state"), field("postal_code")}, facts);
  facts.lead_source = "facebook";

  InboundEvent event;
  event.source = "facebook";
  event.event_type = "lead";
  event.idempotency_key = "lead:" + id;
  std::string created = text_field(parsed, "created_time");
  if (!created.empty() && !parse_iso8601(created, event.occurred_at))
    return invalid("\"created_time\" is not an ISO-8601 time");
  event.origin.campaign_id = text_field(parsed, "campaign_id");
  event.origin.campaign_name = clean_text(text_field(parsed, "campaign_name"));
  event.origin.ad_id = text_field(parsed, "ad_id");
  event.origin.ad_name = clean_text(text_field(parsed, "ad_name"));
  event.origin.adset_id = text_field(parsed, "adset_id");
  event.origin.form_id = text_field(parsed, "form_id");
  std::string platform = text_field(parsed, "platform");
  if (!platform.empty()) facts.custom_fields.push_back({"platform", clean_text(platform)});
  if (auto organic = parsed.find("is_organic"); organic != parsed.end() && organic->is_boolean())
    facts.custom_fields.push_back({"is_organic", organic->get<bool>()});
  add_derived_fields(facts, event.occurred_at);
  event.contact = std::move(facts);
  return event;
}

GraphError classify_graph_error(int http_status, std::string_view body) {
  GraphError error;
  json parsed = parse_json(body);
  const json* inner = nullptr;
  if (parsed.is_object())
    if (auto found = parsed.find("error"); found != parsed.end() && found->is_object()) inner = &*found;
  if (!inner) {
    error.message = "HTTP " + std::to_string(http_status) + " without a Graph error body";
    error.failure = http_status == 404 ? GraphFailure::kNotFound : GraphFailure::kRetry;
    return error;
  }
  if (auto code = inner->find("code"); code != inner->end() && code->is_number_integer()) error.code = code->get<int>();
  error.message = text_field(*inner, "message").substr(0, 200);
  // Only a real true counts: value() would throw on "is_transient": "yes" (found by facebook_fuzz).
  const auto transient_field = inner->find("is_transient");
  const bool transient = transient_field != inner->end() && transient_field->is_boolean() && transient_field->get<bool>();
  int code = error.code;
  if (code == 4 || code == 17 || code == 32 || code == 613 || (code >= 80000 && code < 81000))
    error.failure = GraphFailure::kThrottled;
  else if (transient || code == 1 || code == 2)
    error.failure = GraphFailure::kRetry;
  else if (code == 190)
    error.failure = GraphFailure::kTokenBroken;
  else if (code == 10 || (code >= 200 && code <= 299))
    error.failure = GraphFailure::kPermission;
  else if (code == 100)
    error.failure = GraphFailure::kNotFound;
  return error;
}

}  // namespace jorge::ingest
