#pragma once
// Errors as values: one Result type for everything that can fail through input, disk,
// network or another service. Codes follow Abseil's list and tell the caller its next move.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace jorge {

enum class ErrorCode {
  kInvalidArgument,     // bad input: do not retry, tell the sender (HTTP 400)
  kUnauthenticated,     // missing or wrong credentials/signature (HTTP 401)
  kNotFound,            // no such thing (HTTP 404)
  kAlreadyExists,       // a conflicting record exists (HTTP 409)
  kFailedPrecondition,  // state does not allow it: do not retry until fixed
  kResourceExhausted,   // overloaded or over a limit: retry later (HTTP 429)
  kUnavailable,         // a dependency (database, network) is down: retry later
  kAborted,             // concurrency conflict: rerun the transaction
  kPayloadTooLarge,     // request body over the limit (HTTP 413)
  kInternal,            // a bug or an unexpected library failure
};

std::string_view error_code_name(ErrorCode code);  // "invalid_argument", ...

struct Error {
  ErrorCode code;
  std::string message;  // what went wrong and what to do; never personal data
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT
  bool ok() const { return state_.index() == 0; }
  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(state_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  bool ok() const { return !failed_; }
  const Error& error() const { assert(failed_); return error_; }
  Error&& take_error() { assert(failed_); return std::move(error_); }

 private:
  Error error_{ErrorCode::kInternal, {}};
  bool failed_ = false;
};

using Status = Result<void>;
inline Status ok_status() { return {}; }

}  // namespace jorge

#define JORGE_CONCAT_INNER(a, b) a##b
#define JORGE_CONCAT(a, b) JORGE_CONCAT_INNER(a, b)
#define JORGE_TRY_IMPL(tmp, decl, expr)      \
  auto tmp = (expr);                         \
  if (!tmp.ok()) return tmp.take_error();    \
  decl = std::move(tmp).value()
// JORGE_TRY(auto x, f());  hands f()'s Error to our caller unchanged, else binds the value.
#define JORGE_TRY(decl, ...) JORGE_TRY_IMPL(JORGE_CONCAT(jorge_try_, __LINE__), decl, (__VA_ARGS__))
// JORGE_TRY_STATUS(f());  for Status-returning calls.
#define JORGE_TRY_STATUS(...)                                       \
  do {                                                              \
    auto jorge_status_ = (__VA_ARGS__);                             \
    if (!jorge_status_.ok()) return jorge_status_.take_error();     \
  } while (0)
