#pragma once
// A SqlSession that fails on command (#17): the Nth statement inside a transaction — BEGIN, a
// lock, a statement or COMMIT — answers kUnavailable, as a dropped connection or a full disk
// would. Wraps a real SQLite or PostgreSQL session, so everything else is the real database.
#include <atomic>
#include <memory>

#include "store/internal/sql_session.hpp"

namespace jorge::testing {

// Shared by every session of one store: arm(n) makes the n-th transactional step from now
// fail, once; disarm() stops it.
struct FaultPlan {
  std::atomic<int> countdown{0};  // 0: no fault armed
  std::atomic<int> steps{0};      // transactional steps seen since arming
  // What the failing step answers: a passing fault (kUnavailable: a dropped connection, a full
  // disk) or one that would come back every time (kInvalidArgument: data the database refuses).
  std::atomic<ErrorCode> code{ErrorCode::kUnavailable};
  void arm(int n, ErrorCode answer = ErrorCode::kUnavailable) { steps = 0, code = answer, countdown = n; }
  void disarm() { countdown = 0; }
};

std::unique_ptr<store::internal::SqlSession> faulty_session(std::unique_ptr<store::internal::SqlSession> real,
                                                            FaultPlan& plan);

}  // namespace jorge::testing
