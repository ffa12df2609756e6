#include "core/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <optional>

namespace jorge {

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  const size_t size = text.size();
  while (i < size) {
    unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) { ++i; continue; }
    size_t length;
    uint32_t code;
    if ((byte & 0xE0) == 0xC0) { length = 2; code = byte & 0x1F; }
    else if ((byte & 0xF0) == 0xE0) { length = 3; code = byte & 0x0F; }
    else if ((byte & 0xF8) == 0xF0) { length = 4; code = byte & 0x07; }
    else return false;
    if (i + length > size) return false;
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) || (length == 4 && code < 0x10000) ||
        code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

namespace {
// Printable ASCII is already NFC: trimming and collapsing spaces is all it needs.
std::optional<std::string> ascii_fast_path(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
      return std::nullopt;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}
}  // namespace

Result<std::string> normalise_name(std::string_view text) {
  if (auto fast = ascii_fast_path(text)) return std::move(*fast);
  if (!is_valid_utf8(text)) return Error{ErrorCode::kInvalidArgument, "name: invalid UTF-8"};
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return Error{ErrorCode::kInternal, "name: ICU NFC data unavailable"};
  icu::UnicodeString input = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString composed = nfc->normalize(input, status);
  if (U_FAILURE(status)) return Error{ErrorCode::kInvalidArgument, "name: cannot normalise"};
  icu::UnicodeString collapsed;
  bool pending_space = false;
  for (int32_t i = 0; i < composed.length();) {
    UChar32 c = composed.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || c == 0) {
      pending_space = collapsed.length() > 0;
      continue;
    }
    if (pending_space) collapsed.append(static_cast<UChar>(' '));
    pending_space = false;
    collapsed.append(c);
  }
  std::string out;
  collapsed.toUTF8String(out);
  return out;
}

Result<std::string> normalise_email(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (!is_valid_utf8(text)) return Error{ErrorCode::kInvalidArgument, "email: invalid UTF-8"};
  size_t at = text.find('@');
  if (text.size() > 254 || at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos)
    return Error{ErrorCode::kInvalidArgument, "email: expected one local@domain address"};
  std::string_view domain = text.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size() ||
      std::any_of(text.begin(), text.end(), is_space))
    return Error{ErrorCode::kInvalidArgument, "email: expected one local@domain address"};
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view find_header(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (ascii_iequals(key, name)) return value;
  return {};
}

}  // namespace jorge
