#include "cli/identity_rules.hpp"

#include "identity/matcher.hpp"

namespace jorge::cli {

store::NameConflict name_conflict_rule() {
  return [](const ContactFacts& incoming, const store::IdentityContact& known) {
    return identity::names_clearly_differ({incoming.first_name, incoming.last_name, incoming.full_name},
                                          {known.first_name, known.last_name, known.full_name});
  };
}

}  // namespace jorge::cli
