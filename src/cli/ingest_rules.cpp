#include "cli/ingest_rules.hpp"

#include "identity/matcher.hpp"
#include "pipeline/consent.hpp"

namespace jorge::cli {

store::StoreOptions ingest_store_options() {
  store::StoreOptions options;
  options.name_conflict = [](const ContactFacts& incoming, const store::IdentityContact& known) {
    return identity::names_clearly_differ({incoming.first_name, incoming.last_name, incoming.full_name},
                                          {known.first_name, known.last_name, known.full_name});
  };
  options.classify_inbound = pipeline::consent_classifier();
  return options;
}

}  // namespace jorge::cli
