#pragma once
// Phone numbers in E.164 ("+15125550123"), parsed with libphonenumber.
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace jorge {

class Phone {
 public:
  // "(512) 555-0123", "512.555.0123", "+44 7700 900123" -> E.164. Numbers without a country
  // code are read in `default_region` (ISO 3166-1 alpha-2). kInvalidArgument when the text is not
  // a possible phone number.
  static Result<Phone> parse(std::string_view text, std::string_view default_region = "US");
  const std::string& e164() const { return e164_; }
  bool operator==(const Phone&) const = default;

 private:
  explicit Phone(std::string e164) : e164_(std::move(e164)) {}
  std::string e164_;
};

}  // namespace jorge
