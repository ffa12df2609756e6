#pragma once
// The conversations role of the store (#19): the bots' state per person, the turns they took,
// and the messages a turn reads. The engine's state is kept as the JSON bots/conversation_json
// writes; the store does not read it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/lead.hpp"
#include "core/result.hpp"
#include "queue/types.hpp"

namespace jorge::store {

struct StoredConversation {
  ContactId contact = 0;  // the person (after every merge)
  std::string state;      // the engine's conversation, JSON
  bool paused = false;    // a person of the team paused the bot (POST .../pause)
  std::optional<SystemTime> sleep_until;  // a human wrote: the bot is silent until then
  int64_t automated_count = 0;            // automated texts queued so far (bots.max_messages_per_contact)
  int64_t version = 0;                    // bumped by every write: a stale write is refused
  SystemTime updated_at{};
};

// One thing the bot did or had done to it, for the conversation view. kind: "turn" (detail: the
// template, writer, intent, slots changed, temperature, handoff), "sleep" (a human wrote),
// "pause", "resume", "cap" (too many automated texts), "booking" (the sender's outcome of a
// booking: booked, already_booked, offered, full).
struct BotTurnRecord {
  std::string message_id;  // the message it answers, when it answers one
  SystemTime at{};
  std::string kind;
  std::string detail;  // JSON
};

// A stored message as a bot turn reads it.
struct StoredMessage {
  int64_t id = 0;
  ContactId contact = 0;
  std::string source;
  InteractionRecord record;
};

// A conversation written with the job that decided it (store/jobs.hpp JobEffects), or alone
// (pause, resume). The whole row is replaced; `expected_version` is the version read (0 when
// there was no row): a conversation changed meanwhile makes the write kAborted, and the job is
// run again on the newer state.
struct ConversationWrite {
  ContactId contact = 0;
  int64_t expected_version = 0;
  std::string state;
  bool paused = false;
  std::optional<SystemTime> sleep_until;
  int64_t automated_count = 0;
  // Pending outbox messages of the person whose purpose starts with one of these are cancelled
  // first ("reply:" when a newer message came in, "follow-up:" when the lead wrote, both when a
  // human takes over).
  std::vector<std::string> cancel_pending;
  std::vector<BotTurnRecord> turns;
};

// What the bots did, read from the store at each /metrics scrape: every instance reports the
// same truth.
struct BotActivity {
  std::map<std::string, int64_t> turns;  // by kind: turn, sleep, pause, resume, cap
  int64_t handoffs = 0;                  // turns that handed the lead to a person
  int64_t bookings = 0;                  // calls the bot booked on the team's calendar
  int64_t replies_sent = 0, replies_waiting = 0, replies_superseded = 0;
  int64_t follow_ups_sent = 0;
  int64_t opted_out_numbers = 0;
  // Webhook stored → GoHighLevel accepted, in seconds, of the last 1,000 replies sent.
  std::vector<double> reply_latency_seconds;
  // The same over every reply sent, as a histogram: (upper bound in seconds, replies at or
  // under it), then how many and their sum.
  std::vector<std::pair<double, int64_t>> reply_latency_buckets;
  int64_t reply_latency_count = 0;
  double reply_latency_sum = 0;
};

class ConversationStore {
 public:
  virtual ~ConversationStore() = default;
  // The person's conversation (a contact merged away answers for its person); none yet: empty.
  virtual Result<std::optional<StoredConversation>> conversation(ContactId contact) = 0;
  // kNotFound when there is no such message.
  virtual Result<StoredMessage> message(int64_t interaction_id) = 0;
  // The person's turns, newest first.
  virtual Result<std::vector<BotTurnRecord>> bot_turns(ContactId contact, int limit) = 0;
  // A write on its own (pause, resume), in one transaction with its cancellations.
  virtual Status write_conversation(const ConversationWrite& write, SystemTime now) = 0;
  virtual Result<BotActivity> bot_activity() = 0;
  // The booking call's outcome (#19): the outbox message `outbox_id`, held by `owner`, finishes
  // as sent (with the appointment's id, if one was made), the text that tells the lead is queued
  // (keyed: a retry queues it once) and the turn recorded — one transaction. kAborted when the
  // lease was lost.
  virtual Status finish_booking(int64_t outbox_id, const std::string& owner, SystemTime now, const std::string& remote_id,
                                const std::vector<queue::OutboxMessage>& then, const BotTurnRecord& turn) = 0;
};

}  // namespace jorge::store
