#pragma once
// Sends the outbox to GoHighLevel, at least once with the smallest window for a duplicate:
// the claim marks the attempt durably before the call, the 2xx marks it sent; a message whose
// earlier attempt's outcome is unknown (crash mid-call) is first looked up in the
// conversation and only sent if it is not there. Compliance is checked on the way out, every
// time: opted-out or DND contacts get nothing; texts due outside the recipient's allowed hours
// wait for the next allowed minute. GoHighLevel's rate limit is kept per location with hot
// messages first; 429 pauses the location, 5xx and timeouts retry with backoff.
#include <functional>
#include <string>

#include "crm/ghl/ghl_client.hpp"
#include "pipeline/error_reporter.hpp"
#include "crm/ghl/rate_limiter.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

enum class QuietHours { kUsStateRules, kOff };

struct SenderOptions {
  std::string location_id;
  QuietHours quiet_hours = QuietHours::kUsStateRules;
  int max_attempts = 8;
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds throttle_pause{10'000};  // after a 429 without Retry-After
  std::string owner_user_id;  // team.owner_user_id: who gets the tasks nobody else is assigned
  std::string notify_url;     // team.notify_url: a Slack-compatible incoming webhook for handoffs
  ErrorReporter report;       // errors handling a message that no caller sees (#17)
};

class OutboxSender {
 public:
  OutboxSender(store::Store& store, Clock& clock, crm::GhlClient& ghl, crm::RateLimiter& limiter,
               const queue::JobQueue& backoff, SenderOptions options);
  // Claims and handles up to `max_messages`; returns how many it handled.
  Result<int> run_once(const std::string& sender_id, int max_messages);

 private:
  Status handle(const queue::OutboxMessage& message, const std::string& sender_id);
  Status deliver(const queue::OutboxMessage& message, const std::string& sender_id);
  // A booking (#19): the contact's appointments (one made already is the answer), the free
  // slots, the booking or two slots to offer; then, in one transaction, the text that says so.
  Status book(const queue::OutboxMessage& message, const std::string& sender_id);
  // A message to the team's chat (team.notify_url): {"text": ...}, as Slack's incoming webhooks take.
  Status notify(const queue::OutboxMessage& message, const std::string& sender_id);
  // The POST /contacts/upsert body for a person, from what Jorge knows of them now.
  Result<std::string> upsert_body(ContactId contact);
  // After a failed call: a 429 waits for the location's window without counting; a refusal
  // (4xx) or the last allowed attempt makes the message dead; anything else retries with backoff.
  Status settle_failure(const queue::OutboxMessage& message, const std::string& sender_id, const Error& error,
                        const std::string& what);
  // Waits what GoHighLevel says after a 429 (else the rest of its window), for the whole location.
  std::chrono::milliseconds pause_location();

  store::Store& store_;
  Clock& clock_;
  crm::GhlClient& ghl_;
  crm::RateLimiter& limiter_;
  crm::HttpClient chat_;  // for team.notify_url, not GoHighLevel
  const queue::JobQueue& backoff_;
  SenderOptions options_;
};

}  // namespace jorge::pipeline
