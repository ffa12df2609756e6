#pragma once
// GoHighLevel API v2 over HTTP (specs/integrations.md §2): send an SMS, add tags, update
// custom fields, read a conversation's recent messages. One client per thread (it reuses one
// connection). Errors carry the caller's next move: kResourceExhausted = throttled (see
// last_rate_limit().retry_after), kUnavailable = 5xx/timeout/unreachable (retry with backoff),
// kInvalidArgument = 400/404/422 (retrying cannot help), kUnauthenticated = 401.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "crm/http_client.hpp"

namespace jorge::crm {

struct GhlClientOptions {
  std::string base_url = "https://services.leadconnectorhq.com";
  std::string token;  // location access token or private integration token
  std::string location_id;
  long timeout_ms = 10'000;
};

struct RateLimitInfo {
  std::optional<int> remaining;                           // X-RateLimit-Remaining
  std::optional<std::chrono::milliseconds> interval;      // X-RateLimit-Interval-Milliseconds
  std::optional<int> daily_remaining;                     // X-RateLimit-Daily-Remaining
  std::optional<std::chrono::milliseconds> retry_after;   // Retry-After, on 429
};

struct SentMessage {
  std::string message_id, conversation_id;
};

struct ConversationMessage {
  std::string id, body, direction;
};

// A booking on a GoHighLevel calendar (§2.4f).
struct Appointment {
  std::string id, calendar_id, contact_id, start_time, status;  // start_time as GoHighLevel writes it
};

class GhlClient {
 public:
  explicit GhlClient(GhlClientOptions options);
  Result<SentMessage> send_sms(const std::string& contact_id, const std::string& message);
  Status add_tags(const std::string& contact_id, const std::vector<std::string>& tags);
  // (field id, value as JSON text) pairs, e.g. {"cF3jorgeScore0000003", "87"}.
  Status update_custom_fields(const std::string& contact_id,
                              const std::vector<std::pair<std::string, std::string>>& fields);
  // POST /contacts/{id}/tasks (§2.4c): something a person of the team must do. `due` is
  // ISO 8601 with an offset; `assigned_to` a GoHighLevel user id, or empty.
  Status create_task(const std::string& contact_id, const std::string& title, const std::string& body,
                     const std::string& due, const std::string& assigned_to);
  // POST /contacts/{id}/notes (§2.4d): what the bot learnt, for the agent to read in GoHighLevel.
  Status create_note(const std::string& contact_id, const std::string& body);
  Result<std::vector<ConversationMessage>> recent_messages(const std::string& conversation_id);
  // POST /contacts/upsert (§2.4b) with `contact` (firstName, phone, ... without locationId):
  // GoHighLevel's id of the person, found or created. Safe to repeat.
  Result<std::string> upsert_contact(const std::string& contact_json);
  // The contact's conversation id, or empty when there is none yet
  // (GET /conversations/search?contactId=...).
  Result<std::string> find_conversation(const std::string& contact_id);
  // GET /calendars/{id}/free-slots (§2.4f) between `from` and `to` (at most 31 days), read in
  // `zone`: the free slots' starts, as GoHighLevel writes them (ISO 8601 with an offset), in order.
  Result<std::vector<std::string>> free_slots(const std::string& calendar_id, SystemTime from, SystemTime to,
                                              const std::string& zone);
  // POST /calendars/events/appointments at `start_time`, one of the free slots as listed. Not
  // idempotent: after an unknown outcome, look at contact_appointments before booking again. A
  // slot taken meanwhile is a 4xx (kInvalidArgument).
  Result<Appointment> book_appointment(const std::string& calendar_id, const std::string& contact_id,
                                       const std::string& start_time, const std::string& title);
  // GET /contacts/{id}/appointments: the contact's bookings, on every calendar.
  Result<std::vector<Appointment>> contact_appointments(const std::string& contact_id);
  const RateLimitInfo& last_rate_limit() const { return rate_limit_; }

 private:
  Result<HttpReply> call(const std::string& method, const std::string& path, const char* version,
                         const std::string& body, HttpClient::Resend resend = HttpClient::Resend::kAllowed);

  GhlClientOptions options_;
  HttpClient http_;
  RateLimitInfo rate_limit_;
};

}  // namespace jorge::crm
