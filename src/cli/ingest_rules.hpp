#pragma once
// The rules every command that stores deliveries gives the store (serve, import, backfill):
// who is who, and what an inbound text says about consent. Written once here so that no path
// applies a rule the others do not.
#include "store/store.hpp"

namespace jorge::cli {

// The store options every command that stores deliveries starts from: identity's
// names_clearly_differ against joins on a shared phone or e-mail (#14), and consent read from
// each inbound message as it is stored (#15, pipeline::consent_classifier).
store::StoreOptions ingest_store_options();

}  // namespace jorge::cli
