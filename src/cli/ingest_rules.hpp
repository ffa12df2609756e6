#pragma once
// The rules every command that stores deliveries gives the store (serve, import, backfill):
// who is who, which source's word counts, and what an inbound text says about consent. Written
// once here so that no path applies a rule the others do not (#17: imports once skipped the
// online matcher).
#include <atomic>
#include <memory>

#include "cli/config.hpp"
#include "store/store.hpp"

namespace jorge::cli {

// The store options of `config` for every command that stores deliveries: the online matcher
// (identity.online) at the configured thresholds, or at `tuned_merge` when given (serve moves it
// as reviewers decide); identity's names_clearly_differ against joins on a shared phone or
// e-mail (#14); source trust; consent read from each inbound message as it is stored and the
// answers it requires (#15); the store's batch sizes.
store::StoreOptions ingest_store_options(const Config& config,
                                         std::shared_ptr<const std::atomic<double>> tuned_merge = nullptr);

}  // namespace jorge::cli
