#pragma once
// The Store both backends share: SQL written once, group commit by writer threads, a pool of
// reading sessions. Backends differ only in their SqlSession.
#include <memory>

#include "store/internal/sql_session.hpp"
#include "store/store.hpp"

namespace jorge::store::internal {

Result<std::unique_ptr<Store>> open_sql_store(Backend backend, SessionFactory factory, Clock& clock,
                                              const StoreOptions& options);

}  // namespace jorge::store::internal
