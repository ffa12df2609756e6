#include "cli/identity_rules.hpp"

#include "bots/compliance/opt_out.hpp"
#include "identity/matcher.hpp"

namespace jorge::cli {

store::NameConflict name_conflict_rule() {
  return [](const ContactFacts& incoming, const store::IdentityContact& known) {
    return identity::names_clearly_differ({incoming.first_name, incoming.last_name, incoming.full_name},
                                          {known.first_name, known.last_name, known.full_name});
  };
}

store::ConsentClassifier consent_rule() {
  return [](std::string_view body) {
    switch (bots::classify_inbound(body)) {
      case bots::InboundKeyword::kOptOut: return store::ConsentKeyword::kOptOut;
      case bots::InboundKeyword::kOptIn: return store::ConsentKeyword::kOptIn;
      case bots::InboundKeyword::kHelp: return store::ConsentKeyword::kHelp;
      case bots::InboundKeyword::kNone: break;
    }
    return store::ConsentKeyword::kNone;
  };
}

store::StoreOptions ingest_store_options() {
  store::StoreOptions options;
  options.name_conflict = name_conflict_rule();
  options.classify_inbound = consent_rule();
  return options;
}

}  // namespace jorge::cli
