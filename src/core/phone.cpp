#include "core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace jorge {

Result<Phone> Phone::parse(std::string_view text, std::string_view default_region) {
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
