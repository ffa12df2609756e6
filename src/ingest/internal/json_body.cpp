#include "ingest/internal/json_body.hpp"

#include "core/json_parse.hpp"
#include "core/text.hpp"

namespace jorge::ingest::internal {

Result<nlohmann::json> parse_json_object(std::string_view source, std::string_view body) {
  if (!is_valid_utf8(body)) return Error{ErrorCode::kInvalidArgument, std::string(source) + ": body is not valid UTF-8"};
  if (!json_nesting_within(body))
    return Error{ErrorCode::kInvalidArgument, std::string(source) + ": body is nested deeper than " +
                                                  std::to_string(kMaxJsonDepth) + " levels"};
  nlohmann::json parsed = parse_json(body);
  if (parsed.is_discarded())
    return Error{ErrorCode::kInvalidArgument, std::string(source) + ": body is not valid JSON"};
  if (!parsed.is_object())
    return Error{ErrorCode::kInvalidArgument, std::string(source) + ": body must be a JSON object"};
  return parsed;
}

std::string text_field(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end()) return {};
  if (found->is_string()) return found->get<std::string>();
  if (found->is_number_integer()) return std::to_string(found->get<int64_t>());
  if (found->is_number_unsigned()) return std::to_string(found->get<uint64_t>());
  if (found->is_number_float()) return found->dump();
  return {};
}

FieldValue field_value(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : value) items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    return items;
  }
  return value.is_null() ? std::string() : value.dump();
}

}  // namespace jorge::ingest::internal

namespace jorge::ingest::internal {

Status only_known_fields(const nlohmann::json& object, std::string_view where,
                         std::initializer_list<std::string_view> known) {
  for (const auto& item : object.items()) {
    bool found = false;
    for (std::string_view name : known) found = found || item.key() == name;
    if (!found)
      return Error{ErrorCode::kInvalidArgument, std::string(where) + ": unknown field \"" + item.key().substr(0, 64) +
                                                    "\" (see docs/api.md for the accepted fields)"};
  }
  return ok_status();
}

Result<const nlohmann::json*> object_field(const nlohmann::json& object, const char* key, std::string_view where) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return &kEmpty;
  if (!found->is_object())
    return Error{ErrorCode::kInvalidArgument, std::string(where) + "." + key + " must be an object"};
  return &*found;
}

Status check_text_field(const nlohmann::json& object, const char* key, std::string_view where, size_t max_bytes) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null() || found->is_number()) return ok_status();
  if (!found->is_string())
    return Error{ErrorCode::kInvalidArgument, std::string(where) + "." + key + " must be a string"};
  if (found->get_ref<const std::string&>().size() > max_bytes)
    return Error{ErrorCode::kInvalidArgument,
                 std::string(where) + "." + key + " is longer than " + std::to_string(max_bytes) + " bytes"};
  return ok_status();
}

}  // namespace jorge::ingest::internal
