#pragma once
// Time is injected: SystemClock in production, ManualClock in tests, so tests are exact.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace jorge {

using SystemTime = std::chrono::system_clock::time_point;
using MonotonicTime = std::chrono::steady_clock::time_point;

struct Clock {
  virtual ~Clock() = default;
  virtual SystemTime now() = 0;               // timestamps people see
  virtual MonotonicTime monotonic_now() = 0;  // durations, deadlines, backoff
};

class SystemClock final : public Clock {
 public:
  SystemTime now() override { return std::chrono::system_clock::now(); }
  MonotonicTime monotonic_now() override { return std::chrono::steady_clock::now(); }
};

// The real clock's pace from a chosen start (`clock.start`): the wall time reads `start` at
// construction and moves on in real time; monotonic time is the real one.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(SystemTime start) : offset_(start - std::chrono::system_clock::now()) {}
  SystemTime now() override { return std::chrono::system_clock::now() + offset_; }
  MonotonicTime monotonic_now() override { return std::chrono::steady_clock::now(); }

 private:
  std::chrono::system_clock::duration offset_;
};

// Thread-safe; time moves only when the test says so.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SystemTime start) : now_(start) {}
  SystemTime now() override { std::lock_guard lock(mutex_); return now_; }
  MonotonicTime monotonic_now() override {
    std::lock_guard lock(mutex_);
    return MonotonicTime{} + (now_.time_since_epoch());
  }
  void advance(std::chrono::milliseconds by) { std::lock_guard lock(mutex_); now_ += by; }
  // REQUIRES: not earlier than now (monotonic time follows the wall clock here).
  void set(SystemTime to) { std::lock_guard lock(mutex_); now_ = to; }

 private:
  std::mutex mutex_;
  SystemTime now_;
};

int64_t to_unix_millis(SystemTime time);
SystemTime from_unix_millis(int64_t millis);
// "2026-11-20T15:02:10.902Z"; always UTC with milliseconds.
std::string format_iso8601(SystemTime time);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|+HHMM]"; false when it is not such a date.
bool parse_iso8601(std::string_view text, SystemTime& out);

}  // namespace jorge
