#include "scoring/lead_request.hpp"

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace jorge::scoring {
namespace {

// Short fields are quoted back in reasons ("Timeline: next month"), read by people: a control
// character in them becomes a space (found by score_request_fuzz, #14).
std::string printable(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return text;
}

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

// Fills LeadFacts from the parsed body, one event per JSON value in document order (the shape
// of a SAX reader; `read` below walks simdjson's document, which parses this endpoint's bodies
// several times faster than a character-at-a-time reader). Any event returning false stops the
// walk with `error` set.
class ScoreRequestReader {
 public:
  LeadFacts lead;
  std::optional<Error> error;

  bool null() {
    if (depth_ == 0) return not_object();
    if (in_areas_) return fail("\"preferred_areas\" must be a string");
    return field_->kind == Kind::kId ? type_error() : true;  // null means "not given"
  }
  bool boolean(bool value) {
    if (!expect_scalar()) return false;
    if (field_->kind != Kind::kFlag) return type_error();
    (field_->name == "pre_approved" ? lead.pre_approved : lead.cash_buyer) = value;
    return true;
  }
  bool number_integer(int64_t value) {
    if (!expect_scalar()) return false;
    if (field_->kind == Kind::kId) return set_id(std::to_string(value));
    if (field_->kind == Kind::kCount) return set_count(value < 0 ? -1.0 : static_cast<double>(value));
    return set_number(static_cast<double>(value));
  }
  bool number_unsigned(uint64_t value) {
    if (!expect_scalar()) return false;
    if (field_->kind == Kind::kId) return set_id(std::to_string(value));
    if (field_->kind == Kind::kCount) return set_count(static_cast<double>(value));
    return set_number(static_cast<double>(value));
  }
  bool number_float(double value) {
    if (!expect_scalar()) return false;
    if (field_->kind == Kind::kCount) return fail(quoted() + " must be a whole number");
    return set_number(value);
  }
  bool string(std::string& value) {
    if (depth_ == 0) return not_object();
    if (in_areas_) {
      if (value.size() > kLongestArea) return fail("\"preferred_areas\" is longer than 100 bytes");
      if (lead.preferred_areas.size() == kMostAreas) return fail("\"preferred_areas\" must be a list of at most 50 names");
      lead.preferred_areas.push_back(printable(std::move(value)));
      return true;
    }
    switch (field_->kind) {
      case Kind::kId: return set_id(std::move(value));
      case Kind::kText: return set_text(std::move(value));
      case Kind::kTime: return set_time(value);
      default: return type_error();
    }
  }
  bool start_object() {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return in_areas_ ? fail("\"preferred_areas\" must be a string") : type_error();
  }
  bool key(std::string_view name) {
    field_ = nullptr;
    for (const Field& field : kFields)
      if (field.name == name) field_ = &field;
    if (field_ == nullptr)
      return fail("unknown field \"" + std::string(name.substr(0, 64)) + "\" (docs/api.md lists the accepted fields)");
    return true;
  }
  bool end_object() {
    depth_ = 0;
    return true;
  }
  bool start_array() {
    if (depth_ == 0) return not_object();
    if (in_areas_) return fail("\"preferred_areas\" must be a string");
    if (field_->kind != Kind::kAreas) return type_error();
    in_areas_ = true;
    lead.preferred_areas.clear();  // a repeated key: the last one counts, as in a JSON object
    return true;
  }
  bool end_array() {
    in_areas_ = false;
    return true;
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
    // The id is echoed in the answer (and shown to people): printable text only.
    for (unsigned char c : id)
      if (c < 0x20 || c == 0x7f) return fail(quoted() + " must not contain control characters");
    lead.lead_id = std::move(id);
    return true;
  }
  bool set_text(std::string text) {
    if (text.size() > field_->limit)
      return fail(quoted() + " is longer than " + std::to_string(field_->limit) + " bytes");
    if (field_->name == "message") lead.message = std::move(text);  // never quoted back: kept as typed
    else if (field_->name == "source") lead.source = printable(std::move(text));
    else lead.timeline = printable(std::move(text));
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

// Hands every value of `element` to the reader in document order, as a SAX parser would.
bool read(simdjson::dom::element element, ScoreRequestReader& reader) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      if (!reader.start_object()) return false;
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(element)) {
        if (!reader.key(field.key) || !read(field.value, reader)) return false;
      }
      return reader.end_object();
    }
    case simdjson::dom::element_type::ARRAY: {
      if (!reader.start_array()) return false;
      for (simdjson::dom::element item : simdjson::dom::array(element))
        if (!read(item, reader)) return false;
      return reader.end_array();
    }
    case simdjson::dom::element_type::STRING: {
      std::string text(std::string_view(element.get_string().value_unsafe()));
      return reader.string(text);
    }
    case simdjson::dom::element_type::INT64: return reader.number_integer(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: return reader.number_unsigned(element.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: return reader.number_float(element.get_double().value_unsafe());
    case simdjson::dom::element_type::BOOL: return reader.boolean(element.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE: return reader.null();
  }
  return false;
}

}  // namespace

Result<LeadFacts> parse_score_request(std::string_view body) {
  thread_local simdjson::dom::parser parser;  // keeps its buffers from one request to the next
  simdjson::dom::element root;
  // simdjson checks the UTF-8 of the whole body as it parses: no separate pass.
  if (const auto parsed = parser.parse(body.data(), body.size()).get(root); parsed != simdjson::SUCCESS)
    return bad(parsed == simdjson::UTF8_ERROR     ? "body is not valid UTF-8"
               : parsed == simdjson::NUMBER_ERROR ? "body is not valid JSON: a number is malformed or an integer has more than 64 bits"
                                                  : "body is not valid JSON");
  ScoreRequestReader reader;
  const bool read_whole = read(root, reader);
  if (reader.error) return *reader.error;
  if (!read_whole) return bad("body is not valid JSON");
  if (reader.lead.lead_id.empty()) return bad("\"lead_id\" is required");
  return std::move(reader.lead);
}

}  // namespace jorge::scoring
