#pragma once
// Writes JSON straight into a string, for hot responses where building a DOM (nlohmann)
// costs more than the work itself. The caller writes keys and values in order; strings are
// escaped per RFC 8259 (control characters as \u00XX); text must already be valid UTF-8.
#include <string>
#include <string_view>

namespace jorge {

class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(size_t expected_bytes) { out_.reserve(expected_bytes); }  // no regrowth on hot paths
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number, int decimals);  // fixed, trailing zeros trimmed; NaN/inf as null
  JsonWriter& value(bool flag);
  JsonWriter& null();
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();  // a comma before every element but the first of its container
  void string(std::string_view text, char then);  // a quoted string, then `then` unless '\0'
  std::string out_;
  bool first_ = true;
};

}  // namespace jorge
