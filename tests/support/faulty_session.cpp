#include "support/faulty_session.hpp"

namespace jorge::testing {
namespace {

using store::internal::SqlRows;
using store::internal::SqlSession;
using store::internal::SqlValue;

class FaultySession final : public SqlSession {
 public:
  FaultySession(std::unique_ptr<SqlSession> real, FaultPlan& plan) : real_(std::move(real)), plan_(plan) {}

  Result<SqlRows> exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    if (in_transaction_ && fail_now()) return injected();
    return real_->exec(sql, params);
  }
  Status exec_script(std::string_view sql) override { return real_->exec_script(sql); }
  Status begin() override {
    in_transaction_ = true;
    if (fail_now()) {
      in_transaction_ = false;
      return injected();
    }
    return real_->begin();
  }
  Status commit() override {
    if (fail_now()) {
      // A commit that fails has written nothing: the real transaction is rolled back.
      real_->rollback();
      in_transaction_ = false;
      return injected();
    }
    in_transaction_ = false;
    return real_->commit();
  }
  void rollback() override {
    in_transaction_ = false;
    real_->rollback();
  }
  Status lock_keys(const std::vector<std::string>& keys) override {
    if (in_transaction_ && fail_now()) return injected();
    return real_->lock_keys(keys);
  }
  Status maintain() override { return real_->maintain(); }
  bool reconnects() const override { return false; }  // an injected failure is not retried on a fresh connection

 private:
  bool fail_now() {
    if (plan_.countdown.load() == 0) return false;
    return ++plan_.steps == plan_.countdown.load() && (plan_.countdown = 0, true);
  }
  Error injected() const { return Error{plan_.code.load(), "injected fault"}; }

  std::unique_ptr<SqlSession> real_;
  FaultPlan& plan_;
  bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<SqlSession> faulty_session(std::unique_ptr<SqlSession> real, FaultPlan& plan) {
  return std::make_unique<FaultySession>(std::move(real), plan);
}

}  // namespace jorge::testing
