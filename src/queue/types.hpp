#pragma once
// The queue's values: a job (an event to process), its plan (tier, when), an outbox message
// (a text, tags, an upsert or a task waiting to go out) and the queue's counts. Plain values;
// the store keeps them (store/jobs.hpp, store/outbox.hpp), queue/ decides over them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/lead.hpp"
#include "core/work.hpp"

namespace jorge::queue {

// A job's or a message's priority is its tier's (0 hot .. 2 cold); CRM bookkeeping (tags) goes
// after every waiting text.
inline int priority_of(Tier tier) { return static_cast<int>(tier); }
inline constexpr int kBookkeepingPriority = 3;

// When and how urgently the job an event creates runs. Priority 0 is hot, 1 warm, 2 cold:
// lower runs first.
struct JobPlan {
  int priority = 2;
  SystemTime run_at{};  // epoch: as soon as possible
};

enum class JobState { kReady, kRunning, kDone, kDead };

struct Job {
  int64_t id = 0;
  JobKind kind = JobKind::kProcessEvent;
  JobEvent event = JobEvent::kContact;     // what it is about (#17)
  std::optional<int64_t> interaction_id;  // the message it concerns, for message events
  std::optional<ContactId> contact_id;
  EventId raw_event_id = 0;
  int priority = 2;
  int attempts = 0;  // claims so far, this one included
  SystemTime created_at{}, run_at{};
  std::string last_error;
};

// A message or CRM update waiting to go out (the transactional outbox).
// kUpsertContact: create or find a person in GoHighLevel who came from another source, so that
// the texts after it (queued with no CRM id yet) have someone to go to.
// kComplianceSms: a text the law or the carriers require (the STOP confirmation, the HELP
// answer): sent at once, whatever the quiet hours, to a number that just opted out too.
// kTask: a task for a person of the team in GoHighLevel (§2.4c); payload {"title", "body",
// "due_minutes", "assigned_to"}. kNote: a note on the contact (§2.4d); payload its text.
// kBooking: book the call the lead asked for on the team's calendar (§2.4f, #19); payload
// {"calendar_id", "zone", "language", "level", "day", "start_minute", "end_minute", "exact",
// "title"}; its outcome queues the text that tells the lead. kNotify: the team's chat is told
// (team.notify_url, a Slack-compatible incoming webhook); payload the message's text.
enum class OutboxKind { kSms, kTags, kUpsertContact, kComplianceSms, kTask, kNote, kBooking, kNotify };
struct OutboxMessage {
  int64_t id = 0;
  OutboxKind kind = OutboxKind::kSms;
  ContactId contact_id = 0;
  std::string external_contact_id;  // the CRM's contact id
  int priority = 2;                 // 0 hot .. 2 cold
  std::string payload;              // SMS text, or tags one per line
  SystemTime due_at{};
  int attempts = 0;                 // claims so far, this one included
  bool attempted_before = false;    // an earlier claim may have sent it (crash mid-send)
  std::string conversation_id;
  OutboxState state = OutboxState::kPending;
  std::string last_error;  // why it was postponed, blocked or given up
  // Which logical message this is for its person ("first-touch", "reply:<message>",
  // "follow-up:3"). The store keys the row "<purpose>:<person>", the person being the contact
  // after every merge, and the database keeps one row per key: deliveries, retries, two
  // workers or two instances racing for one person write one text (#16). Empty: no key.
  std::string purpose;
};

inline std::string_view outbox_kind_name(OutboxKind kind) {
  switch (kind) {
    case OutboxKind::kSms: return "sms";
    case OutboxKind::kTags: return "tags";
    case OutboxKind::kUpsertContact: return "upsert_contact";
    case OutboxKind::kComplianceSms: return "compliance_sms";
    case OutboxKind::kTask: return "task";
    case OutboxKind::kNote: return "note";
    case OutboxKind::kBooking: return "booking";
    case OutboxKind::kNotify: return "notify";
  }
  return "sms";
}

struct TierCounts {
  int64_t depth = 0;               // ready or running
  std::optional<SystemTime> oldest;  // creation time of the oldest of them
};

struct QueueCounts {
  TierCounts by_priority[3];
  int64_t completed_in_window = 0;
  double mean_service_seconds = 0;  // claim to completion, over the window
  int64_t dead = 0;
  // Outbox messages waiting, and why (#15): due now or later or being sent, held for quiet
  // hours, blocked for good (opted out, DND).
  int64_t outbox_pending = 0, outbox_held_quiet_hours = 0, outbox_blocked = 0;
  int64_t outbox_follow_ups = 0;  // the bots' follow-ups scheduled for a later day (#19)
  // Messages held or stopped, by the rule that did it (#15, #16): "opted_out", "dnd",
  // "quiet_hours", "florida_limit", "time_zone_unknown", "no_common_window", "merged_duplicate".
  std::map<std::string, int64_t> outbox_held_by_rule;
};

}  // namespace jorge::queue
