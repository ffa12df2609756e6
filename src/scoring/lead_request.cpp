#include "scoring/lead_request.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include "core/text.hpp"

namespace jorge::scoring {
namespace {

Error bad(const std::string& message) { return Error{ErrorCode::kInvalidArgument, "score_lead: " + message}; }

}  // namespace

Result<LeadFacts> parse_score_request(std::string_view body) {
  if (!is_valid_utf8(body)) return bad("body is not valid UTF-8");
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) return bad("body is not valid JSON");
  if (!json.is_object()) return bad("body must be a JSON object");
  LeadFacts lead;
  auto text = [&](const std::string& key, const nlohmann::json& value, size_t limit) -> Result<std::string> {
    if (!value.is_string()) return bad("\"" + key + "\" must be a string");
    const auto& content = value.get_ref<const std::string&>();
    if (content.size() > limit) return bad("\"" + key + "\" is longer than " + std::to_string(limit) + " bytes");
    return content;
  };
  auto number = [&](const std::string& key, const nlohmann::json& value) -> Result<double> {
    if (!value.is_number()) return bad("\"" + key + "\" must be a number");
    double content = value.get<double>();
    if (!std::isfinite(content) || content < 0) return bad("\"" + key + "\" must be zero or more");
    return content;
  };
  auto count = [&](const std::string& key, const nlohmann::json& value) -> Result<int64_t> {
    if (!value.is_number_integer() && !value.is_number_unsigned()) return bad("\"" + key + "\" must be a whole number");
    int64_t content = value.get<int64_t>();
    if (content < 0 || content > 1'000'000'000) return bad("\"" + key + "\" must be between 0 and 1e9");
    return content;
  };
  auto flag = [&](const std::string& key, const nlohmann::json& value) -> Result<bool> {
    if (!value.is_boolean()) return bad("\"" + key + "\" must be true or false");
    return value.get<bool>();
  };
  for (const auto& [key, value] : json.items()) {
    if (value.is_null() && key != "lead_id") continue;  // null means "not given"
    if (key == "lead_id") {
      if (value.is_number_integer()) {
        lead.lead_id = std::to_string(value.get<int64_t>());
      } else {
        JORGE_TRY(lead.lead_id, text(key, value, 128));
      }
    } else if (key == "message") {
      JORGE_TRY(lead.message, text(key, value, 10'000));
    } else if (key == "source") {
      JORGE_TRY(lead.source, text(key, value, 64));
    } else if (key == "budget_min") {
      JORGE_TRY(lead.budget_min, number(key, value));
    } else if (key == "budget_max") {
      JORGE_TRY(lead.budget_max, number(key, value));
    } else if (key == "timeline") {
      JORGE_TRY(lead.timeline, text(key, value, 64));
    } else if (key == "pre_approved") {
      JORGE_TRY(lead.pre_approved, flag(key, value));
    } else if (key == "cash_buyer") {
      JORGE_TRY(lead.cash_buyer, flag(key, value));
    } else if (key == "preferred_areas") {
      if (!value.is_array() || value.size() > 50) return bad("\"preferred_areas\" must be a list of at most 50 names");
      for (const auto& area : value) {
        JORGE_TRY(std::string name, text(key, area, 100));
        lead.preferred_areas.push_back(std::move(name));
      }
    } else if (key == "page_views") {
      JORGE_TRY(lead.page_views, count(key, value));
    } else if (key == "saved_properties") {
      JORGE_TRY(lead.saved_properties, count(key, value));
    } else if (key == "response_time_hours") {
      JORGE_TRY(lead.response_time_hours, number(key, value));
    } else if (key == "interaction_count") {
      JORGE_TRY(lead.interaction_count, count(key, value));
    } else if (key == "email_opens") {
      JORGE_TRY(lead.email_opens, count(key, value));
    } else if (key == "created_at") {
      JORGE_TRY(std::string stamp, text(key, value, 64));
      SystemTime at;
      if (!parse_iso8601(stamp, at)) return bad("\"created_at\" must be an ISO 8601 time, e.g. 2026-01-23T10:15:00Z");
      lead.created_at = at;
      // Keep the offset the time was written in: the hour of day is the lead's own.
      if (stamp.size() >= 6 && (stamp[stamp.size() - 6] == '+' || stamp[stamp.size() - 6] == '-') &&
          stamp[stamp.size() - 3] == ':') {
        int hours = std::atoi(stamp.substr(stamp.size() - 5, 2).c_str());
        int minutes = std::atoi(stamp.substr(stamp.size() - 2).c_str());
        lead.utc_offset_minutes = (stamp[stamp.size() - 6] == '-' ? -1 : 1) * (hours * 60 + minutes);
      }
    } else {
      return bad("unknown field \"" + key.substr(0, 64) + "\" (docs/api.md lists the accepted fields)");
    }
  }
  if (lead.lead_id.empty()) return bad("\"lead_id\" is required");
  return lead;
}

}  // namespace jorge::scoring
