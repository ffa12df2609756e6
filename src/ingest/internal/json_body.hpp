#pragma once
// Shared by the adapters: parse a request body into JSON with one error style, and read
// fields that sources send as either strings or numbers.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest::internal {

// kInvalidArgument "<source>: body is not valid JSON (...)" / "... not a JSON object".
Result<nlohmann::json> parse_json_object(std::string_view source, std::string_view body);
// The field as text: strings as they are, numbers printed, absent/null/other types empty.
std::string text_field(const nlohmann::json& object, const char* key);
// A JSON value as a typed custom field value (objects kept as their JSON text).
FieldValue field_value(const nlohmann::json& value);

}  // namespace jorge::ingest::internal
