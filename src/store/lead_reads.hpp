#pragma once
// The lead reads role of the store: a lead as people and the pipeline see it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::store {

// What the sender's compliance checks need to send to a person, and nothing more (#17): the
// narrow read the outbox sender makes for every message it claims.
struct RecipientFacts {
  ContactId id = 0;  // the person (after every merge)
  std::string phone, state, postal_code;
  bool do_not_disturb = false, sms_opt_out = false;  // opt-out: the contact's or its number's
  // The CRM's id for the person (the oldest Jorge knows of), empty when none yet.
  std::string crm_contact_id;
  // When the third most recent automated text to them went out: Florida allows 3 a day.
  std::optional<SystemTime> third_last_text_at;
};

// What scoring, the greeting and the bots read about a person.
struct OutreachFacts {
  ContactId id = 0;
  std::string first_name, phone, state, postal_code, lead_source;
  std::string assigned_user;  // who in the team owns the person (GoHighLevel's assignedTo), if anyone
  bool do_not_disturb = false, sms_opt_out = false;
  // The CRM's id for the person, empty when the CRM never sent it. One person may have several
  // (GoHighLevel holds duplicates): every send, tag and task uses the oldest Jorge knows of,
  // the first one it received or the one its upsert returned (#16).
  std::string crm_contact_id;
  std::string last_inbound_text;  // the person's latest message to us
  bool already_texted = false;    // an SMS to them is queued or sent, by Jorge or a person of the team
  // For scoring the lead:
  SystemTime created_at{};
  int64_t interactions = 0;                 // messages either way
  int64_t distinct_sources = 1;             // sources that sent us this person
  std::optional<double> response_hours;     // from our first message to their first reply after it
  std::string inbound_texts;                // everything they wrote, oldest first, one space apart
  std::vector<CustomField> custom_fields;
};

struct LeadFilter {
  std::string source;                       // only contacts with a record from this source
  std::optional<Stage> stage;
  std::optional<SystemTime> updated_since;  // updated at or after
  ContactId after_id = 0;                   // cursor: contacts with a larger id
  int limit = 50;                           // 1..500
};

struct SourceSummary {
  std::string source;
  int64_t leads = 0, contacts = 0;
  SystemTime first_lead_at{}, last_lead_at{};
};

struct LeadSummary {
  ContactId id = 0;
  std::string full_name, phone, email;
  Stage stage = Stage::kNew;
  std::vector<std::string> sources;
  SystemTime created_at{}, updated_at{};
};

struct LeadPage {
  std::vector<LeadSummary> leads;
  std::optional<ContactId> next_after_id;  // set when more leads follow
};

struct SourceRecord {
  std::string source, external_id;
  SystemTime received_at{};
  std::string payload;  // the raw body as the source sent it
  LeadOrigin origin;    // campaign, ad, form, kind of request
  std::string facts;    // JSON: the contact fields this record gave, normalised
};

struct StoredInteraction {
  std::string source;
  InteractionRecord record;
};

struct StoredOpportunity {
  std::string source;
  OpportunityRecord record;
  SystemTime updated_at{};
};

struct LeadDetail {
  LeadSummary summary;
  std::string first_name, last_name, address, city, state, postal_code, country, lead_source;
  std::vector<std::string> tags;
  bool do_not_disturb = false;
  bool sms_opt_out = false;  // the person texted STOP (or similar) to Jorge
  std::vector<CustomField> custom_fields;
  std::vector<SourceRecord> records;
  std::vector<StoredInteraction> interactions;
  std::vector<StoredOpportunity> opportunities;
  // Automated messages not sent (yet), newest first, with why (#15): pending ones with their
  // due time ("quiet hours", "rate limit", …), blocked ones ("opted out", "do not disturb") and
  // duplicates a merge cancelled ("merged into N", #16).
  struct WaitingMessage {
    int64_t id = 0;
    std::string kind, state, reason;
    SystemTime due_at{};
    std::string purpose;  // "first-touch", "reply:<message>", "follow-up:<message>:<day>"; empty: none
  };
  std::vector<WaitingMessage> waiting_messages;
  // Every change of the contact's stage and of its opportunities, oldest first (#17).
  struct StageChange {
    std::string kind;     // contact_stage, opportunity_status, opportunity_stage
    std::string subject;  // the opportunity ("ghl/<id>"); empty for the contact
    std::string from, to, reason;
    SystemTime at{};
  };
  std::vector<StageChange> stage_history;
};

struct StoreCounts {
  int64_t events = 0, contacts = 0, leads = 0, interactions = 0, jobs = 0;
};

// What the API, the pipeline and the CLI read about leads.
class LeadReads {
 public:
  virtual ~LeadReads() = default;

  // What scoring, the greeting and the bots need of a person, in one query (a contact merged
  // away answers for its person). kNotFound if no contact.
  virtual Result<OutreachFacts> outreach_facts(ContactId contact, const std::string& crm_source) = 0;
  // What sending to a person needs (consent, DND, time zone, Florida's limit, the CRM id), in
  // one narrower query, for every message the sender claims. kNotFound if no contact.
  virtual Result<RecipientFacts> recipient_facts(ContactId contact, const std::string& crm_source) = 0;

  virtual Result<LeadPage> list_leads(const LeadFilter& filter) = 0;

  // kNotFound when there is no such contact.
  virtual Result<LeadDetail> get_lead(ContactId id) = 0;

  // Leads and distinct contacts per source so far, sources in name order.
  virtual Result<std::vector<SourceSummary>> source_summaries() = 0;

  virtual Result<StoreCounts> counts() = 0;
};

}  // namespace jorge::store
