#include "ingest/normalise.hpp"

#include "core/text.hpp"

namespace jorge::ingest {

std::string clean_text(std::string_view text) {
  auto cleaned = normalise_name(text);
  return cleaned.ok() ? std::move(cleaned).value() : std::string();
}

void normalise_contact(const TypedContact& typed, ContactFacts& facts) {
  facts.first_name = clean_text(typed.first_name);
  facts.last_name = clean_text(typed.last_name);
  facts.full_name = clean_text(typed.full_name);
  if (facts.full_name.empty()) {
    facts.full_name = facts.first_name;
    if (!facts.last_name.empty()) facts.full_name += (facts.full_name.empty() ? "" : " ") + facts.last_name;
  }
  if (!typed.phone.empty()) {
    std::string region = typed.country.size() == 2 ? std::string(typed.country) : "US";
    auto phone = Phone::parse(typed.phone, region);
    if (phone.ok()) facts.phone = *phone;
  }
  if (!typed.email.empty()) {
    auto email = normalise_email(typed.email);
    if (email.ok()) facts.email = *email;
  }
}

}  // namespace jorge::ingest
