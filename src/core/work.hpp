#pragma once
// The words of the work Jorge queues: tiers (how urgently), job kinds and the events jobs are
// about, and the states of an outbox message. Each has its stored name and a parser; the
// database keeps the names, the code the enums.
#include <optional>
#include <string_view>

#include "core/text.hpp"

namespace jorge {

// How urgently a lead is worked: the queue's priority (hot runs first), the greeting's wording
// and the tier tag. A model's predicted quality ("HOT", "WARM", "COLD") is a tier too.
enum class Tier { kHot = 0, kWarm = 1, kCold = 2 };  // the values are the queue's priorities

inline std::string_view tier_name(Tier tier) {  // "hot", "warm", "cold"
  switch (tier) {
    case Tier::kHot: return "hot";
    case Tier::kWarm: return "warm";
    case Tier::kCold: return "cold";
  }
  return "cold";
}

// A tier as a predicted quality is shown: "HOT", "WARM", "COLD".
inline std::string_view quality_name(Tier tier) {
  switch (tier) {
    case Tier::kHot: return "HOT";
    case Tier::kWarm: return "WARM";
    case Tier::kCold: return "COLD";
  }
  return "COLD";
}

// "HOT", "hot", "Warm" ...; nullopt for anything else.
inline std::optional<Tier> parse_tier(std::string_view name) {
  for (Tier tier : {Tier::kHot, Tier::kWarm, Tier::kCold})
    if (ascii_iequals(name, tier_name(tier))) return tier;
  return std::nullopt;
}

// A queue priority (0 hot .. 2 cold) as a tier; out-of-range values are clamped.
inline Tier tier_of_priority(int priority) {
  return priority <= 0 ? Tier::kHot : priority == 1 ? Tier::kWarm : Tier::kCold;
}

// What a job does: process a stored event, or fetch a lead a notification only names.
enum class JobKind { kProcessEvent, kFetchFacebookLead };
inline std::string_view job_kind_name(JobKind kind) {
  return kind == JobKind::kFetchFacebookLead ? "fetch_facebook_lead" : "process_event";
}
inline std::optional<JobKind> parse_job_kind(std::string_view name) {
  if (name == "process_event") return JobKind::kProcessEvent;
  if (name == "fetch_facebook_lead") return JobKind::kFetchFacebookLead;
  return std::nullopt;
}

// What a pipeline job is about, so the worker does what that kind of event asks (#17).
enum class JobEvent {
  kContact,          // a person described: score, greet once
  kInboundMessage,   // the person wrote: record and re-score (the bots answer it)
  kOutboundMessage,  // someone of the team wrote (not Jorge: its echoes make no job): no greeting after
  kOpportunity,      // a deal moved: re-score
  kAppointment,      // a booking was made, changed or cancelled in GoHighLevel: the bot stops following up
};
inline std::string_view job_event_name(JobEvent event) {
  switch (event) {
    case JobEvent::kContact: return "contact";
    case JobEvent::kInboundMessage: return "inbound_message";
    case JobEvent::kOutboundMessage: return "outbound_message";
    case JobEvent::kOpportunity: return "opportunity";
    case JobEvent::kAppointment: return "appointment";
  }
  return "contact";
}
inline JobEvent parse_job_event(std::string_view name) {  // unknown names read as kContact
  for (JobEvent event : {JobEvent::kInboundMessage, JobEvent::kOutboundMessage, JobEvent::kOpportunity, JobEvent::kAppointment})
    if (job_event_name(event) == name) return event;
  return JobEvent::kContact;
}

// Where an outbox message is: waiting (maybe held for quiet hours or a limit), being sent
// (an attempt is marked), sent, given up on, blocked for good (opted out, DND), or cancelled as
// a duplicate of a merged person's message.
enum class OutboxState { kPending, kSending, kSent, kDead, kBlocked, kCancelled };
inline std::string_view outbox_state_name(OutboxState state) {
  switch (state) {
    case OutboxState::kPending: return "pending";
    case OutboxState::kSending: return "sending";
    case OutboxState::kSent: return "sent";
    case OutboxState::kDead: return "dead";
    case OutboxState::kBlocked: return "blocked";
    case OutboxState::kCancelled: return "cancelled";
  }
  return "pending";
}
inline OutboxState parse_outbox_state(std::string_view name) {  // unknown names read as pending
  for (OutboxState state : {OutboxState::kSending, OutboxState::kSent, OutboxState::kDead, OutboxState::kBlocked,
                            OutboxState::kCancelled})
    if (outbox_state_name(state) == name) return state;
  return OutboxState::kPending;
}

}  // namespace jorge
