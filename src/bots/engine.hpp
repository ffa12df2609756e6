#pragma once
// The conversation engine both bots share (bots.md §2, §6-§10, §14): one inbound text and the
// conversation so far in, one Turn out — the new state, what changed, the temperature, a
// handoff or task, and at most one reply with the minute it may be sent. Pure: no I/O, no
// clock of its own, no database; the caller stores the conversation and queues the reply in
// one transaction.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bots/extract.hpp"
#include "bots/signals.hpp"
#include "bots/slots.hpp"
#include "bots/templates.hpp"
#include "core/clock.hpp"

namespace jorge::bots {

enum class Bot { kLead, kSeller };
std::string_view bot_name(Bot bot);  // "lead", "seller"
std::optional<Bot> parse_bot(std::string_view name);

enum class State { kNew, kAwaitingRole, kQualifying, kNurture, kHandedOff, kClosed, kOptedOut };
std::string_view state_name(State state);  // "new", "awaiting_role", ...
std::optional<State> parse_state(std::string_view name);

// The variant of each experiment of §14 a contact sees.
struct Variants {
  std::string greeting = "v1";                       // v1, v2, v3
  std::string question_order = "ask_after_timeline"; // ask_immediately, ask_after_timeline, ask_after_rapport
  std::string response_speed = "instant";            // instant, human_like, delayed
  Level level = Level::kStandard;
};
// Deterministic per contact and experiment (a hash of both, even thirds), the same on every
// instance and after restarts.
Variants assign_variants(std::string_view contact_id);

struct Conversation {
  std::string contact_id;
  Bot bot = Bot::kLead;
  State state = State::kNew;
  Role role = Role::kUnknown;
  bool role_from_hint = false;  // seeded by the lead source: the text may overrule it
  std::optional<SlotGroup> pending;
  Slots slots;
  std::array<int, kSlotGroupCount> asks{};  // how often each group was asked
  std::string language = "en";
  Variants variants;
  std::optional<SystemTime> last_automated_at;
  std::vector<double> recent_intents;  // §8.4 values of the last five inbound messages
  bool intent_zeroed = false;          // a not_interested/wrong_number/opt_out until the next buy/sell
  std::optional<Intent> terminal_intent;
  Temperature temperature = Temperature::kCold;
  int off_topic_in_row = 0, turns_without_facts = 0, turns_without_role = 0;
  int inbound_count = 0;
  int llm_calls = 0;      // model calls on llm_day (§11 cap)
  int64_t llm_day = 0;    // days since 1970-01-01 (UTC)
  // The ids of the last inbound messages taken: the same message again (a redelivery, a retried
  // job) is no new turn.
  std::vector<std::string> seen_messages;
  // The handoff asked "what time works" (handoff_hot, handoff_human): the lead's answer may book
  // the call on the team's calendar (#19). Cleared when the conversation is handed back.
  bool asked_call_time = false;
};

// A new conversation routed by the lead source's role (§6): buyers to the Lead Bot, sellers and
// both to the Seller Bot, unknown to the Lead Bot awaiting the role.
Conversation start_conversation(std::string contact_id, Role role_hint);

struct LeadFacts {
  std::string first_name;
  std::string source_topic;         // "homes in Kyle": what the lead asked the source about
  std::vector<std::string> zones;   // where the lead may be (IANA); empty reads America/Chicago
  std::optional<double> valuation;  // a CMA/AVM figure for a seller's home, when one is held
};

class LlmBackend;

struct EngineConfig {
  std::string team = "the Rivera Team";
  std::string team_phone = "(512) 555-0100";
  double market_floor = 200000;
  // §11: an optional model for extraction assist and phrasing; null is rules only. Calls per
  // lead per (UTC) day are capped; past the cap the turn is rules only.
  LlmBackend* llm = nullptr;
  int llm_calls_per_day = 20;
};

struct Inbound {
  std::string id;
  std::string text;
  SystemTime at{};
};

struct Reply {
  std::string template_key;
  std::vector<std::pair<std::string, std::string>> variables;
  std::string text;
  SystemTime send_at{};
  bool immediate = false;  // STOP/START confirmations and HELP: exempt from quiet hours and delays
  bool held = false;       // quiet hours moved it; a newer inbound drops and recomputes it
  std::string writer = "template";  // "llm" when a model's phrasing passed the checks of §11
};

struct SlotChange {
  Slot slot;
  std::optional<SlotValue> before;
  SlotValue after;
};

struct Turn {
  Conversation conversation;  // after the turn
  Intent intent = Intent::kUnknown;
  bool opt_out = false;
  std::string language = "en";
  std::vector<SlotChange> changes;
  Signals signals;
  int score = 0;
  Temperature temperature = Temperature::kCold;
  bool cooled = false;  // HOT before, not HOT now: an event for analytics
  std::optional<std::string> handoff;  // the reason of §9.1
  std::optional<std::string> task;     // §9.2: "answer listing question: 2207 tillery st"
  std::vector<std::string> tags;       // CRM tags: "hot-lead", "needs-human", "opted-out"
  std::optional<Reply> reply;
  bool repeated = false;                  // the message was taken before: nothing changed
  int llm_calls = 0;                      // model calls this turn made
  std::vector<std::string> llm_rejected;  // what validation dropped from the model's answers
};

// A message whose id the conversation has seen already yields a Turn with `repeated` set and
// nothing else changed.
Turn take_turn(const Conversation& conversation, const Inbound& inbound, const LeadFacts& facts,
               const EngineConfig& config);

// The text of the follow-up number `n` (0 = the first) of a quiet conversation (§6): in
// qualifying (or awaiting the role) the current next question, every other time a short
// check-in; in nurture the check-in ("still planning to buy by June?"). Nothing for a
// conversation that gets no follow-ups (handed off, closed, opted out). `send_at` is unset:
// the caller schedules it.
std::optional<Reply> follow_up(const Conversation& conversation, const LeadFacts& facts, const EngineConfig& config, int n);

// A person of the team hands the conversation back (#19): a handed-off or closed conversation
// qualifies again, from where it was, with nothing pending.
void resume_conversation(Conversation& conversation);

// The first message to a new lead (§13 greeting, §14 phrase), scheduled in the stricter
// window for messages Jorge initiates. Sets the pending group it asks.
Reply first_touch(Conversation& conversation, const LeadFacts& facts, const EngineConfig& config, SystemTime now);

// The question the bot would ask next (its group and rendered text), if any: for chat and
// the conversation view.
std::optional<std::pair<SlotGroup, std::string>> next_question(const Conversation& conversation,
                                                               const EngineConfig& config);

}  // namespace jorge::bots
