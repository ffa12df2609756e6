#pragma once
// The identity rules every command that stores deliveries gives the store (serve, import,
// backfill): written once here so that no path joins people by a rule the others do not apply.
#include "store/store.hpp"

namespace jorge::cli {

// identity::names_clearly_differ over a delivery and a known contact (#14).
store::NameConflict name_conflict_rule();

}  // namespace jorge::cli
