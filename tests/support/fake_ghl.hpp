#pragma once
// A local GoHighLevel API v2 for tests: a real HTTP server on 127.0.0.1 speaking the
// documented endpoints (specs/integrations.md §2), recording every request, and injecting
// faults on command: 429 with Retry-After, 5xx, slow answers, dropped connections. It can enforce GoHighLevel's
// 100 requests per 10 s.
#include <chrono>
#include <map>
#include <random>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "support/local_server.hpp"

namespace jorge::testing {

struct RecordedRequest {
  std::string method, path, body, authorization, version;
  std::string query;  // after '?', as sent
};

class FakeGhl {
 public:
  FakeGhl();
  ~FakeGhl();
  std::string url() const { return server_->url(); }
  std::vector<RecordedRequest> requests() const;
  // Bodies of accepted SMS sends (POST /conversations/messages answered 2xx).
  std::vector<std::string> sent_sms_messages() const;
  // Contact id of each accepted SMS, in order, and when it arrived.
  std::vector<std::string> sent_sms_contacts() const;
  std::vector<std::chrono::steady_clock::time_point> sent_sms_times() const;

  // The next `count` requests get `status` (429 carries Retry-After: retry_after_seconds).
  void fail_next(int count, int status, int retry_after_seconds = 1);
  // The next `count` requests wait this long before answering.
  void delay_next(int count, std::chrono::milliseconds delay);
  // The next `count` requests lose their answer: the connection closes without a response,
  // before handling (nothing happened) or after it (GoHighLevel acted; only the reply is lost).
  enum class Drop { kBeforeHandling, kAfterHandling };
  void drop_next(int count, Drop when);
  // From now on each request, with `probability`, meets one fault drawn at random: 429 with
  // Retry-After, 500, 503, an answer slower than `slow`, or a dropped connection before or
  // after handling. Seeded, so a failing run can be replayed.
  void inject_random_faults(double probability, unsigned seed, std::chrono::milliseconds slow);
  // How many requests met each kind of fault ("429", "500", "503", "slow", "drop_before", "drop_after").
  std::map<std::string, int> injected() const;
  // 0 disables; otherwise at most this many requests per `window`, else 429.
  void enforce_rate_limit(int requests, std::chrono::milliseconds window);
  int throttled() const;
  // Bodies of accepted POST /contacts/upsert calls, in order.
  std::vector<std::string> upserts() const;
  // Tasks created (POST /contacts/{id}/tasks), each with its "contactId", in order.
  std::vector<nlohmann::json> tasks() const;
  // Notes created (POST /contacts/{id}/notes), each with its contactId.
  std::vector<nlohmann::json> notes() const;
  // The calendar (§2.4f): the free slots it lists (ISO 8601 with offset, e.g.
  // "2026-12-04T15:00:00-06:00"), answered by GET /calendars/{id}/free-slots grouped by local
  // date; a booking takes its slot. `vanishing`: listed, but someone else takes it before the
  // booking lands (POST answers 400 "slot no longer available", and it is no longer listed).
  void set_free_slots(std::vector<std::string> slots, std::vector<std::string> vanishing = {});
  // The next booking is made but its answer is lost (the connection closes after handling).
  void lose_next_booking_answer();
  // Messages posted to a Slack-compatible incoming webhook on this server (POST /hooks/{id}),
  // each as its JSON body: team.notify_url in tests.
  std::vector<nlohmann::json> chat_messages() const;
  // Appointments booked (POST /calendars/events/appointments accepted), in order.
  std::vector<nlohmann::json> appointments() const;

 private:
  struct Fault {
    int status = 0;
    int retry_after = 1;
    std::chrono::milliseconds delay{0};
    bool drop_before = false, drop_after = false;
  };
  void handle(http::Request& request, http::Respond respond);

  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::string> sent_;
  std::vector<std::string> sent_contacts_;
  std::vector<std::chrono::steady_clock::time_point> sent_times_;
  std::vector<Fault> faults_;
  int limit_ = 0;
  std::chrono::milliseconds window_{10'000};
  std::vector<std::chrono::steady_clock::time_point> recent_;
  int throttled_ = 0;
  double fault_probability_ = 0;
  std::mt19937 fault_random_;
  std::chrono::milliseconds slow_{0};
  std::map<std::string, int> injected_;
  std::map<std::string, std::string> upserted_;  // "email:..."/"phone:..." -> contact id
  std::vector<nlohmann::json> upserts_;
  std::vector<nlohmann::json> tasks_;
  std::vector<nlohmann::json> notes_;
  std::vector<std::string> free_slots_, vanishing_;
  std::vector<nlohmann::json> appointments_;
  bool lose_booking_answer_ = false;
  std::vector<nlohmann::json> chat_;
  int next_id_ = 0;
  http::Router router_;
  std::unique_ptr<LocalServer> server_;  // last: stopped before the state its handlers use
};

}  // namespace jorge::testing
