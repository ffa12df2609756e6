#pragma once
// The rules every command that stores deliveries gives the store (serve, import, backfill):
// who is who, and what an inbound text says about consent. Written once here so that no path
// applies a rule the others do not.
#include "store/store.hpp"

namespace jorge::cli {

// identity::names_clearly_differ over a delivery and a known contact (#14).
store::NameConflict name_conflict_rule();
// bots::classify_inbound, for consent decided as each inbound message is stored (#15).
store::ConsentClassifier consent_rule();
// The store options every command that stores deliveries starts from: both rules above.
store::StoreOptions ingest_store_options();

}  // namespace jorge::cli
