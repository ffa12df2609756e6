#include "scoring/lead_request.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>

#include "core/text.hpp"

namespace jorge::scoring {
namespace {

Error bad(const std::string& message) { return Error{ErrorCode::kInvalidArgument, "score_lead: " + message}; }

enum class Kind { kId, kText, kNumber, kCount, kFlag, kAreas, kTime };
struct Field {
  std::string_view name;
  Kind kind;
  size_t limit = 0;  // bytes, for texts
};
constexpr Field kFields[] = {
    {"lead_id", Kind::kId, 128},      {"message", Kind::kText, 10'000},  {"source", Kind::kText, 64},
    {"budget_min", Kind::kNumber},    {"budget_max", Kind::kNumber},     {"timeline", Kind::kText, 64},
    {"pre_approved", Kind::kFlag},    {"cash_buyer", Kind::kFlag},       {"preferred_areas", Kind::kAreas},
    {"page_views", Kind::kCount},     {"saved_properties", Kind::kCount}, {"response_time_hours", Kind::kNumber},
    {"interaction_count", Kind::kCount}, {"email_opens", Kind::kCount},  {"created_at", Kind::kTime, 64}};
constexpr size_t kMostAreas = 50, kLongestArea = 100;

// Fills LeadFacts while the JSON is read (nlohmann's SAX interface): no document tree is
// built, which was most of this endpoint's parsing cost. Any callback returning false stops
// the parse with `error` set.
class ScoreRequestReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  LeadFacts lead;
  std::optional<Error> error;

  bool null() override {
    if (depth_ == 0) return not_object();
    if (in_areas_) return fail("\"preferred_areas\" must be a string");
    return field_->kind == Kind::kId ? type_error() : true;  // null means "not given"
  }
  bool boolean(bool value) override {
    if (!expect_scalar()) return false;
    if (field_->kind != Kind::kFlag) return type_error();
    (field_->name == "pre_approved" ? lead.pre_approved : lead.cash_buyer) = value;
    return true;
  }
  bool number_integer(number_integer_t value) override {
    if (!expect_scalar()) return false;
    if (field_->kind == Kind::kId) return set_id(std::to_string(value));
    if (field_->kind == Kind::kCount) return set_count(value < 0 ? -1.0 : static_cast<double>(value));
    return set_number(static_cast<double>(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (!expect_scalar()) return false;
    if (field_->kind == Kind::kId) return set_id(std::to_string(value));
    if (field_->kind == Kind::kCount) return set_count(static_cast<double>(value));
    return set_number(static_cast<double>(value));
  }
  bool number_float(number_float_t value, const string_t&) override {
    if (!expect_scalar()) return false;
    if (field_->kind == Kind::kCount) return fail(quoted() + " must be a whole number");
    return set_number(value);
  }
  bool string(string_t& value) override {
    if (depth_ == 0) return not_object();
    if (in_areas_) {
      if (value.size() > kLongestArea) return fail("\"preferred_areas\" is longer than 100 bytes");
      if (lead.preferred_areas.size() == kMostAreas) return fail("\"preferred_areas\" must be a list of at most 50 names");
      lead.preferred_areas.push_back(std::move(value));
      return true;
    }
    switch (field_->kind) {
      case Kind::kId: return set_id(std::move(value));
      case Kind::kText: return set_text(std::move(value));
      case Kind::kTime: return set_time(value);
      default: return type_error();
    }
  }
  bool binary(binary_t&) override { return fail("body is not valid JSON"); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return in_areas_ ? fail("\"preferred_areas\" must be a string") : type_error();
  }
  bool key(string_t& name) override {
    field_ = nullptr;
    for (const Field& field : kFields)
      if (field.name == name) field_ = &field;
    if (field_ == nullptr)
      return fail("unknown field \"" + name.substr(0, 64) + "\" (docs/api.md lists the accepted fields)");
    return true;
  }
  bool end_object() override {
    depth_ = 0;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return not_object();
    if (in_areas_) return fail("\"preferred_areas\" must be a string");
    if (field_->kind != Kind::kAreas) return type_error();
    in_areas_ = true;
    lead.preferred_areas.clear();  // a repeated key: the last one counts, as in a JSON object
    return true;
  }
  bool end_array() override {
    in_areas_ = false;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return fail("body is not valid JSON");
  }

 private:
  bool fail(const std::string& message) {
    if (!error) error = bad(message);
    return false;
  }
  bool not_object() { return fail("body must be a JSON object"); }
  std::string quoted() const { return "\"" + std::string(field_->name) + "\""; }
  bool expect_scalar() {
    if (depth_ == 0) return not_object();
    if (in_areas_) return fail("\"preferred_areas\" must be a string");
    return true;
  }
  bool type_error() {
    switch (field_->kind) {
      case Kind::kNumber: return fail(quoted() + " must be a number");
      case Kind::kCount: return fail(quoted() + " must be a whole number");
      case Kind::kFlag: return fail(quoted() + " must be true or false");
      case Kind::kAreas: return fail("\"preferred_areas\" must be a list of at most 50 names");
      default: return fail(quoted() + " must be a string");
    }
  }
  bool set_id(std::string id) {
    if (id.size() > field_->limit) return fail(quoted() + " is longer than 128 bytes");
    lead.lead_id = std::move(id);
    return true;
  }
  bool set_text(std::string text) {
    if (text.size() > field_->limit)
      return fail(quoted() + " is longer than " + std::to_string(field_->limit) + " bytes");
    if (field_->name == "message") lead.message = std::move(text);
    else if (field_->name == "source") lead.source = std::move(text);
    else lead.timeline = std::move(text);
    return true;
  }
  bool set_number(double value) {
    if (field_->kind != Kind::kNumber) return type_error();
    if (!std::isfinite(value) || value < 0) return fail(quoted() + " must be zero or more");
    if (field_->name == "budget_min") lead.budget_min = value;
    else if (field_->name == "budget_max") lead.budget_max = value;
    else lead.response_time_hours = value;
    return true;
  }
  bool set_count(double value) {
    if (value < 0 || value > 1'000'000'000) return fail(quoted() + " must be between 0 and 1e9");
    const auto count = static_cast<int64_t>(value);
    if (field_->name == "page_views") lead.page_views = count;
    else if (field_->name == "saved_properties") lead.saved_properties = count;
    else if (field_->name == "interaction_count") lead.interaction_count = count;
    else lead.email_opens = count;
    return true;
  }
  bool set_time(const std::string& stamp) {
    if (stamp.size() > field_->limit) return fail("\"created_at\" is longer than 64 bytes");
    SystemTime at;
    if (!parse_iso8601(stamp, at)) return fail("\"created_at\" must be an ISO 8601 time, e.g. 2026-01-23T10:15:00Z");
    lead.created_at = at;
    // Keep the offset the time was written in: the hour of day is the lead's own.
    if (stamp.size() >= 6 && (stamp[stamp.size() - 6] == '+' || stamp[stamp.size() - 6] == '-') &&
        stamp[stamp.size() - 3] == ':') {
      int hours = std::atoi(stamp.substr(stamp.size() - 5, 2).c_str());
      int minutes = std::atoi(stamp.substr(stamp.size() - 2).c_str());
      lead.utc_offset_minutes = (stamp[stamp.size() - 6] == '-' ? -1 : 1) * (hours * 60 + minutes);
    } else {
      lead.utc_offset_minutes = 0;
    }
    return true;
  }

  int depth_ = 0;  // 0 before and after the body's object, 1 inside it
  bool in_areas_ = false;
  const Field* field_ = nullptr;
};

}  // namespace

Result<LeadFacts> parse_score_request(std::string_view body) {
  if (!is_valid_utf8(body)) return bad("body is not valid UTF-8");
  ScoreRequestReader reader;
  const bool read = nlohmann::json::sax_parse(body.begin(), body.end(), &reader);
  if (reader.error) return *reader.error;
  if (!read) return bad("body is not valid JSON");
  if (reader.lead.lead_id.empty()) return bad("\"lead_id\" is required");
  return std::move(reader.lead);
}

}  // namespace jorge::scoring
