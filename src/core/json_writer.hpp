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
  explicit JsonWriter(size_t expected_bytes) { out_.resize(expected_bytes); }  // no regrowth on hot paths
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
  std::string_view text() const { return {out_.data(), used_}; }
  std::string take() {
    out_.resize(used_);
    used_ = 0;
    return std::move(out_);
  }

 private:
  // Room for `bytes` more at the end of what is written. The text goes straight into out_
  // through a pointer, its length kept in used_: appending to a std::string piece by piece
  // (size checks, zero fills) cost more than the escaping itself on score_lead.
  char* room(size_t bytes) {
    if (used_ + bytes > out_.size()) grow(bytes);
    return out_.data() + used_;
  }
  void grow(size_t bytes);
  void put(char c) { *room(1) = c, ++used_; }
  void put(std::string_view text);
  void separate();  // a comma before every element but the first of its container
  void string(std::string_view text, char then);  // a quoted string, then `then` unless '\0'
  std::string out_;  // written up to used_; the rest is room
  size_t used_ = 0;
  bool first_ = true;
};

}  // namespace jorge
