#pragma once
// The domain: a Contact is the person; a Lead is one source's record of that person; an
// Interaction is a message in or out; an Opportunity carries the pipeline stage and outcome.
// Plain copyable values with no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/phone.hpp"
#include "core/work.hpp"

namespace jorge {

using ContactId = int64_t;
using EventId = int64_t;

struct Money {
  int64_t cents = 0;
  static Money from_dollars(double dollars);
  bool operator==(const Money&) const = default;
};

// Where a contact is in the funnel; moves forward as events arrive.
// kAppointmentSet: a call or showing is on a calendar (GoHighLevel's Appointment webhooks, #19).
enum class Stage { kNew, kEngaged, kOpportunity, kWon, kLost, kAbandoned, kAppointmentSet };
enum class Outcome { kOpen, kWon, kLost, kAbandoned };
enum class Direction { kInbound, kOutbound };

std::string_view stage_name(Stage stage);  // "new", "engaged", ...
std::optional<Stage> parse_stage(std::string_view name);
std::string_view outcome_name(Outcome outcome);
std::optional<Outcome> parse_outcome(std::string_view name);
std::string_view direction_name(Direction direction);
// The stage a contact reaches when an opportunity of this outcome is seen.
Stage stage_for_outcome(Outcome outcome);

// A typed custom field from any source; lists come from multi-select questions.
using FieldValue = std::variant<std::string, double, bool, std::vector<std::string>>;
struct CustomField {
  std::string key;  // the source's field id or question key
  FieldValue value;
  bool operator==(const CustomField&) const = default;
};
std::string_view field_type_name(const FieldValue& value);  // "text", "number", "bool", "list"

// What one source says about a person. Empty strings mean "not given".
struct ContactFacts {
  std::string external_id;  // the source's id for the person, when it has one
  std::string first_name, last_name, full_name;
  std::optional<Phone> phone;
  std::string email;
  std::string address, city, state, postal_code, country;
  std::string lead_source;  // the free-text "source" a CRM keeps ("zillow", "facebook form")
  std::vector<std::string> tags;
  std::optional<bool> do_not_disturb;
  std::vector<CustomField> custom_fields;
  std::string assigned_user;  // the CRM user who owns the person (GoHighLevel's assignedTo)
};

struct InteractionRecord {
  std::string external_id;  // the source's message id
  Direction direction = Direction::kInbound;
  std::string channel;  // "SMS", "Email", ...
  std::string body;
  SystemTime occurred_at{};
  // Who wrote an outbound message: a GoHighLevel user's id, and how it was sent ("app",
  // "workflow", "api"); empty when the source does not say (#19: a human takes over).
  std::string author_user_id, author_source;
};

// A booking on a GoHighLevel calendar (AppointmentCreate / Update / Delete, integrations.md §2.4f).
struct AppointmentRecord {
  std::string external_id, calendar_id, start_time, status;  // status: new, confirmed, cancelled, showed, noshow, invalid
  bool deleted = false;
  bool active() const { return !deleted && status != "cancelled" && status != "invalid" && status != "noshow"; }
};

struct OpportunityRecord {
  std::string external_id;
  std::string name, pipeline_id, pipeline_stage_id;
  Outcome outcome = Outcome::kOpen;
  Money value;
};

// What brought a lead in, kept with its source record: the ad and campaign behind it (Facebook
// Lead Ads), the kind of request (Zillow "tour_request"). Empty when the source does not say.
struct LeadOrigin {
  std::string campaign_id, campaign_name, ad_id, ad_name, adset_id, form_id, lead_type;
  bool operator==(const LeadOrigin&) const = default;
};

// The tags Jorge itself puts on GoHighLevel contacts: "jorge", "jorge-hot"/"-warm"/"-cold",
// "jorge-handoff", "opted-out".
bool is_jorge_tag(std::string_view tag);

// One delivery from a source, parsed and normalised, ready to be stored in one transaction.
struct InboundEvent {
  std::string source;           // "ghl", "manual", ...
  std::string event_type;       // the source's name for it ("ContactCreate")
  std::string idempotency_key;  // same delivery again -> same key
  bool recognised = true;       // false: stored and counted, nothing else
  SystemTime occurred_at{};
  std::optional<ContactFacts> contact;  // for messages/opportunities: at least external_id
  std::optional<InteractionRecord> interaction;
  std::optional<OpportunityRecord> opportunity;
  std::optional<AppointmentRecord> appointment;
  LeadOrigin origin;
  // The job the stored event makes: process the event (score it, maybe text) for a person;
  // fetch the lead first for a Facebook notification.
  JobKind job_kind = JobKind::kProcessEvent;
  // The source says only the contact's tags changed (GoHighLevel's ContactTagUpdate): when the
  // tags that changed are Jorge's own, the delivery is the echo of Jorge's own push (#17).
  bool tags_only = false;
  // What the job is about, as the source tells: a lead from a portal, a form or an e-mail is a
  // contact event even when it carries the person's first words.
  JobEvent job_event = JobEvent::kContact;
};



}  // namespace jorge
