// The free-text readers shared by every source: money, timelines, names, addresses, ZIPs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/quantities.hpp"
#include "ingest/normalise.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto money = jorge::parse_money(text);
      money && ((!money->low && !money->high) || (money->low && money->high && *money->low > *money->high)))
    __builtin_trap();  // at least one bound, and in order
  if (auto timeline = jorge::parse_timeline(text, jorge::SystemTime{});
      timeline && timeline->low_months > timeline->high_months)
    __builtin_trap();
  (void)jorge::ingest::name_case(text);
  (void)jorge::ingest::split_full_name(text);
  (void)jorge::ingest::normalise_address(text);
  (void)jorge::ingest::normalise_postal_code(text);
  (void)jorge::ingest::normalise_state(text);
  jorge::ContactFacts facts;
  jorge::ingest::normalise_contact({text, text, text, text, text, {}}, facts);
  facts.custom_fields = {{"budget", std::string(text)}, {"when", std::string(text)}};
  jorge::ingest::add_derived_fields(facts, jorge::SystemTime{});
  return 0;
}
