#include "core/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace jorge {
namespace {

// Whether any of the eight bytes in `word` is a control character, a quote or a backslash:
// the usual "has a byte below n" and "has a byte equal to c" tricks on one 64-bit word, so
// plain text is checked eight bytes at a time.
bool needs_escape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const uint64_t below_space = (word - kOnes * 0x20) & ~word;
  const uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
  return ((below_space | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) & kHighs) != 0;
}

bool needs_escape(std::string_view text) {
  uint64_t word;
  if (text.size() < 8) {  // most keys and values: one word, padded with spaces (need no escape)
    word = 0x2020202020202020ull;
    std::memcpy(&word, text.data(), text.size());
    return needs_escape(word);
  }
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::memcpy(&word, text.data() + i, 8);
    if (needs_escape(word)) return true;
  }
  if (i == text.size()) return false;
  std::memcpy(&word, text.data() + text.size() - 8, 8);  // the last bytes, overlapping what was checked
  return needs_escape(word);
}

}  // namespace

void JsonWriter::grow(size_t bytes) { out_.resize(std::max(2 * out_.size(), used_ + bytes + 256)); }

void JsonWriter::put(std::string_view text) {
  std::memcpy(room(text.size()), text.data(), text.size());
  used_ += text.size();
}

void JsonWriter::separate() {
  if (!first_) put(',');
  first_ = false;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  put('{');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  put('}');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  put('[');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  put(']');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  string(name, ':');
  first_ = true;  // the value that follows takes no comma
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  string(text, '\0');
  first_ = false;
  return *this;
}

void JsonWriter::string(std::string_view text, char then) {
  if (!needs_escape(text)) {  // the usual case: one copy of comma, quotes, text and colon
    const bool comma = !first_;
    const size_t length = comma + text.size() + 2 + (then != '\0');
    char* to = room(length);
    if (comma) *to++ = ',';
    *to++ = '"';
    std::memcpy(to, text.data(), text.size());
    to += text.size();
    *to++ = '"';
    if (then != '\0') *to = then;
    used_ += length;
    return;
  }
  separate();
  put('"');
  size_t start = 0;  // runs of characters that need no escape are copied whole
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    put(text.substr(start, i - start));
    start = i + 1;
    switch (c) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        put(std::string_view(escaped, sizeof escaped));
      }
    }
  }
  put(text.substr(start));
  put('"');
  if (then != '\0') put(then);
}

JsonWriter& JsonWriter::value(double number, int decimals) {
  if (!std::isfinite(number)) return null();
  separate();
  char buffer[48];
  std::string_view digits;
  // Scores, points and probabilities: scaled to an integer when that cannot round differently
  // from the exact decimal conversion (not within a millionth of a half), a tenth of its cost.
  static constexpr double kScale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
  const double scaled = decimals >= 0 && decimals <= 6 ? number * kScale[decimals] : 0;
  const double fraction = scaled - std::floor(scaled);
  if (decimals >= 0 && decimals <= 6 && std::abs(scaled) < 1e15 && std::abs(fraction - 0.5) > 1e-6) {
    const long long whole = std::llround(scaled);
    char* end = std::to_chars(buffer + 1, buffer + sizeof buffer, whole < 0 ? -whole : whole).ptr;
    size_t length = static_cast<size_t>(end - (buffer + 1));
    char* first = buffer + 1;
    if (decimals > 0) {  // at least one digit before the point
      const size_t want = static_cast<size_t>(decimals) + 1;
      if (length < want) {
        std::memmove(first + (want - length), first, length);
        std::memset(first, '0', want - length);
        length = want;
      }
      std::memmove(first + length - decimals + 1, first + length - decimals, static_cast<size_t>(decimals));
      first[length - decimals] = '.';
      ++length;
    }
    if (whole < 0) {
      *--first = '-';
      ++length;
    }
    digits = std::string_view(first, length);
  } else {
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed, decimals);
    digits = std::string_view(buffer, error == std::errc() ? static_cast<size_t>(end - buffer) : 0);
  }
  if (digits.empty()) {  // too long for fixed notation: not a number a response should carry
    put("null");
    return *this;
  }
  if (digits.find('.') != std::string_view::npos) {
    while (digits.back() == '0') digits.remove_suffix(1);
    if (digits.back() == '.') digits.remove_suffix(1);
  }
  if (digits == "-0") digits = "0";
  put(digits);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  put(flag ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  put("null");
  return *this;
}

}  // namespace jorge
