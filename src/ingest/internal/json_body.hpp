#pragma once
// Shared by the adapters: parse a request body into JSON with one error style, and read
// fields that sources send as either strings or numbers.
#include <nlohmann/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest::internal {

// kInvalidArgument "<source>: body is not valid JSON (...)" / "... not a JSON object" / "... nested
// deeper than 64 levels" (core/json_parse.hpp: nothing deeper is ever parsed or stored).
Result<nlohmann::json> parse_json_object(std::string_view source, std::string_view body);
// The field as text: strings as they are, numbers printed, absent/null/other types empty.
std::string text_field(const nlohmann::json& object, const char* key);
// A JSON value as a typed custom field value (objects kept as their JSON text).
FieldValue field_value(const nlohmann::json& value);
// kInvalidArgument "<where>: unknown field "x"" for a key not in `known`, and "<where>.<key>
// must be a string/number/..." is left to the caller. `where` names the object ("zillow.contact").
Status only_known_fields(const nlohmann::json& object, std::string_view where,
                         std::initializer_list<std::string_view> known);
// The object at `key`, or an empty object when absent/null; kInvalidArgument when not an object.
Result<const nlohmann::json*> object_field(const nlohmann::json& object, const char* key, std::string_view where);
// kInvalidArgument when the field is present but neither a string, a number nor null, or when
// a string is longer than `max_bytes`.
Status check_text_field(const nlohmann::json& object, const char* key, std::string_view where,
                        size_t max_bytes = 4096);

}  // namespace jorge::ingest::internal
