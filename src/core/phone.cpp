#include "core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <optional>

namespace jorge {

namespace {

// North American numbers written the common ways ("+1 (512) 555-0123", "512.555.0123") are
// most of what arrives; the NANP rule for a possible number is simple (ten digits, area code
// and exchange starting 2-9), so they skip libphonenumber's regular expressions.
std::optional<std::string> nanp_fast_path(std::string_view text, std::string_view default_region) {
  std::string digits;
  bool plus = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (digits.size() == 11) return std::nullopt;
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;  // letters, extensions, anything unusual: the full parser decides
    }
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  else if (plus || digits.size() != 10 || default_region != "US") return std::nullopt;
  if (digits.size() != 10 || digits[0] < '2' || digits[3] < '2') return std::nullopt;
  return "+1" + digits;
}

}  // namespace

Result<Phone> Phone::parse(std::string_view text, std::string_view default_region) {
  if (auto fast = nanp_fast_path(text, default_region)) return Phone(std::move(*fast));
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();  // immutable, thread-safe
  if (text.size() > 64) return Error{ErrorCode::kInvalidArgument, "phone: longer than 64 characters"};
  PhoneNumber number;
  if (util.Parse(std::string(text), std::string(default_region), &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return Error{ErrorCode::kInvalidArgument, "phone: not a phone number"};
  // Possible (right length for the region) rather than valid: the 555-01xx numbers that
  // teams use for tests and that fixtures carry are not assigned, but they are real shapes.
  if (!util.IsPossibleNumber(number)) return Error{ErrorCode::kInvalidArgument, "phone: wrong length for its region"};
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return Phone(std::move(e164));
}

}  // namespace jorge
