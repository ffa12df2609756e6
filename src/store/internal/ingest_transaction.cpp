#include "store/internal/ingest_transaction.hpp"
#include "core/text.hpp"

#include "core/json_parse.hpp"
#include "store/internal/merge_transaction.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace jorge::store::internal {
namespace {

std::optional<int64_t> first_id(const SqlRows& rows) {
  if (rows.rows.empty() || !rows.rows[0][0]) return std::nullopt;
  return std::stoll(*rows.rows[0][0]);
}

SqlValue text_or_null(const std::string& text) { return text.empty() ? SqlValue{} : SqlValue{text}; }

struct KnownContact {
  ContactId id = 0;
  Stage stage = Stage::kNew;
  bool has_source_record = false;  // this source already has its record of the person
};

Result<std::optional<KnownContact>> known_contact(SqlSession& session, const char* sql, std::vector<SqlValue> params,
                                                  bool by_source_record) {
  JORGE_TRY(SqlRows rows, session.exec(sql, params));
  if (rows.rows.empty() || !rows.rows[0][0]) return std::optional<KnownContact>();
  return std::optional<KnownContact>(KnownContact{std::stoll(*rows.rows[0][0]),
                                                  parse_stage(rows.rows[0][1].value_or("")).value_or(Stage::kNew),
                                                  by_source_record});
}

// Contacts that share an exact key (phone or e-mail) with this person, oldest first: the first
// whose name does not clearly differ is theirs. When every one differs, `conflicting` names
// the oldest (the pair goes to review) and no contact is found.
struct ExactKeyMatch {
  std::optional<KnownContact> found;
  std::optional<ContactId> conflicting;
};
Result<ExactKeyMatch> by_exact_key(SqlSession& session, const char* column, const std::string& value,
                                   const ContactFacts& facts, const NameConflict& name_conflict) {
  JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT id, stage, first_name, last_name, full_name FROM contacts "
                                                   "WHERE ") +
                                           column + " = $1 AND merged_into IS NULL ORDER BY id LIMIT 20",
                                       {value}));
  ExactKeyMatch match;
  for (const auto& row : rows.rows) {
    ContactFields known;
    known.id = std::stoll(row[0].value_or("0"));
    known.first_name = row[2].value_or("");
    known.last_name = row[3].value_or("");
    known.full_name = row[4].value_or("");
    if (name_conflict && name_conflict(facts, known)) {
      if (!match.conflicting) match.conflicting = known.id;
      continue;
    }
    match.found = KnownContact{known.id, parse_stage(row[1].value_or("")).value_or(Stage::kNew), false};
    match.conflicting.reset();
    break;
  }
  return match;
}

// The contact this event is about: by the source's contact id, then phone, then e-mail.
Result<ExactKeyMatch> find_contact(SqlSession& session, const InboundEvent& event, const NameConflict& name_conflict) {
  const ContactFacts& facts = *event.contact;
  if (!facts.external_id.empty()) {
    JORGE_TRY(std::optional<KnownContact> found,
              known_contact(session,
                            "SELECT c.id, c.stage FROM leads l JOIN contacts c ON c.id = l.contact_id "
                            "WHERE l.source = $1 AND l.external_id = $2",
                            {event.source, facts.external_id}, true));
    if (found) return ExactKeyMatch{found, std::nullopt};
  }
  ExactKeyMatch by_phone;
  if (facts.phone) {
    JORGE_TRY(by_phone, by_exact_key(session, "phone", facts.phone->e164(), facts, name_conflict));
    if (by_phone.found) return by_phone;
  }
  if (!facts.email.empty()) {
    JORGE_TRY(ExactKeyMatch by_email, by_exact_key(session, "email", facts.email, facts, name_conflict));
    if (by_email.found || !by_phone.conflicting) return by_email;
  }
  return by_phone;
}

Result<ContactId> insert_contact(SqlSession& session, const ContactFacts& facts, int64_t now) {
  JORGE_TRY(SqlRows rows,
            session.exec("INSERT INTO contacts (first_name, last_name, full_name, email, phone, address, city, state, "
                         "postal_code, country, lead_source, tags, do_not_disturb, stage, created_at, updated_at, "
                         "assigned_user) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'new', $14, $14, $15) RETURNING id",
                         {facts.first_name, facts.last_name, facts.full_name, text_or_null(facts.email),
                          facts.phone ? SqlValue{facts.phone->e164()} : SqlValue{}, facts.address, facts.city,
                          facts.state, facts.postal_code, facts.country, facts.lead_source, join_tags(facts.tags),
                          int64_t{facts.do_not_disturb.value_or(false)}, now, facts.assigned_user}));
  auto id = first_id(rows);
  if (!id) return Error{ErrorCode::kInternal, "store: contact insert returned no id"};
  return *id;
}

// What a source says now wins over what it said before; what it leaves out stays as it was.
// Only the columns this event gives are in the statement, so indexes on the others (phone,
// e-mail) are not rewritten: fewer dirty pages per commit.
Status update_contact(SqlSession& session, ContactId id, const ContactFacts& facts, int64_t now) {
  std::string sql = "UPDATE contacts SET updated_at = $2";
  std::vector<SqlValue> params{id, now};
  auto set = [&](const char* column, SqlValue value) {
    params.push_back(std::move(value));
    sql += std::string(", ") + column + " = $" + std::to_string(params.size());
  };
  auto set_text = [&](const char* column, const std::string& value) {
    if (!value.empty()) set(column, value);
  };
  set_text("first_name", facts.first_name);
  set_text("last_name", facts.last_name);
  set_text("full_name", facts.full_name);
  set_text("email", facts.email);
  if (facts.phone) set("phone", facts.phone->e164());
  set_text("address", facts.address);
  set_text("city", facts.city);
  set_text("state", facts.state);
  set_text("postal_code", facts.postal_code);
  set_text("country", facts.country);
  set_text("lead_source", facts.lead_source);
  set_text("assigned_user", facts.assigned_user);
  if (!facts.tags.empty()) set("tags", join_tags(facts.tags));
  if (facts.do_not_disturb) set("do_not_disturb", int64_t{*facts.do_not_disturb});
  auto run = session.exec(sql + " WHERE id = $1", params);
  if (!run.ok()) return run.take_error();
  return ok_status();
}

Status save_source_record(SqlSession& session, const InboundEvent& event, const KnownContact& contact,
                          EventId raw_event, int64_t now) {
  // A person without a source id (a manual entry) is recorded under the delivery's key.
  std::string external_id = event.contact->external_id.empty() ? event.idempotency_key : event.contact->external_id;
  // The record points at the delivery that describes the person: the newest contact event
  // replaces it; a message or opportunity about a known person leaves it alone. The body itself
  // is kept once, in raw_events.
  bool describes_person = !event.interaction && !event.opportunity && !event.appointment;
  if (contact.has_source_record && !describes_person && event.contact->custom_fields.empty()) return ok_status();
  const char* sql = describes_person
                        ? "INSERT INTO leads (contact_id, source, external_id, received_at, raw_event_id, campaign_id, "
                          "campaign_name, ad_id, ad_name, adset_id, form_id, lead_type, facts) "
                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (source, external_id) "
                          "DO UPDATE SET raw_event_id = excluded.raw_event_id, facts = excluded.facts"
                        : "INSERT INTO leads (contact_id, source, external_id, received_at, raw_event_id, campaign_id, "
                          "campaign_name, ad_id, ad_name, adset_id, form_id, lead_type, facts) "
                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                          "ON CONFLICT (source, external_id) DO NOTHING";
  const LeadOrigin& origin = event.origin;
  // What this source says about the person, for field provenance (which source gave each value).
  const ContactFacts& said = *event.contact;
  nlohmann::json facts = nlohmann::json::object();
  for (const auto& [key, value] : {std::pair{"first_name", &said.first_name}, {"last_name", &said.last_name},
                                   {"full_name", &said.full_name}, {"email", &said.email}, {"address", &said.address},
                                   {"city", &said.city}, {"state", &said.state}, {"postal_code", &said.postal_code}})
    if (!value->empty()) facts[key] = *value;
  if (said.phone) facts["phone"] = said.phone->e164();
  auto run = session.exec(sql, {contact.id, event.source, external_id, now, raw_event, origin.campaign_id,
                                origin.campaign_name, origin.ad_id, origin.ad_name, origin.adset_id, origin.form_id,
                                origin.lead_type, facts.dump()});
  if (!run.ok()) return run.take_error();
  for (const CustomField& field : event.contact->custom_fields) {
    auto saved = session.exec(
        "INSERT INTO custom_fields (contact_id, source, field_key, value_type, value, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (contact_id, source, field_key) DO UPDATE SET "
        "value_type = excluded.value_type, value = excluded.value, updated_at = excluded.updated_at",
        {contact.id, event.source, without_separators(field.key), std::string(field_type_name(field.value)),
         encode_field_value(field.value), now});
    if (!saved.ok()) return saved.take_error();
  }
  return ok_status();
}

// Moves the contact to `stage` only from one of `from` (a comma-separated list of quoted
// stage names), in one statement.
Status record_stage_change(SqlSession& session, ContactId contact, const char* kind, const std::string& subject,
                           const std::string& from, const std::string& to, const std::string& reason, int64_t now) {
  JORGE_TRY(SqlRows written, session.exec("INSERT INTO stage_changes (contact_id, kind, subject, from_value, to_value, "
                                          "reason, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                          {contact, std::string(kind), subject, from, to, reason, now}));
  (void)written;
  return ok_status();
}

// Moves the contact to `stage` when its stage is one of `from`; the change is recorded with why.
// (A contact's first stage, `new`, starts at its created_at: no row is written for it.)
Status advance_stage(SqlSession& session, ContactId contact, Stage stage, const char* from, const std::string& reason,
                     int64_t now) {
  JORGE_TRY(SqlRows before, session.exec("SELECT stage FROM contacts WHERE id = $1", {contact}));
  const std::string old_stage = before.rows.empty() ? "" : before.rows[0][0].value_or("");
  JORGE_TRY(SqlRows moved, session.exec(std::string("UPDATE contacts SET stage = $2, updated_at = $3 WHERE id = $1 AND "
                                                    "stage <> $2 AND stage IN (") + from + ")",
                                        {contact, std::string(stage_name(stage)), now}));
  if (moved.affected == 0) return ok_status();
  return record_stage_change(session, contact, "contact_stage", "", old_stage, std::string(stage_name(stage)), reason, now);
}

// The stored message's id; nothing when the same message was stored before.
Result<std::optional<int64_t>> save_interaction(SqlSession& session, const InboundEvent& event,
                                                const KnownContact& contact, EventId raw_event, int64_t now) {
  const InteractionRecord& message = *event.interaction;
  std::string external_id = message.external_id.empty() ? event.idempotency_key : message.external_id;
  int64_t occurred = message.occurred_at == SystemTime{} ? now : to_unix_millis(message.occurred_at);
  JORGE_TRY(SqlRows inserted,
            session.exec("INSERT INTO interactions (contact_id, source, external_id, direction, channel, body, "
                         "occurred_at, raw_event_id, author_user_id, author_source) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                         "$8, $9, $10) ON CONFLICT (source, external_id) DO NOTHING RETURNING id",
                         {contact.id, event.source, external_id, std::string(direction_name(message.direction)),
                          message.channel, message.body, occurred, raw_event, message.author_user_id,
                          message.author_source}));
  std::optional<int64_t> id = first_id(inserted);
  if (!id || message.direction != Direction::kInbound || contact.stage != Stage::kNew) return id;
  JORGE_TRY_STATUS(advance_stage(session, contact.id, Stage::kEngaged, "'new'", "the lead wrote", now));
  return id;
}

// #17: GoHighLevel tells Jorge about Jorge's own doings too — the SMS it just sent (an
// OutboundMessage with the message id GoHighLevel gave the send) and the tags it just pushed
// (a ContactTagUpdate whose changed tags are all Jorge's). Those are stored, and make no job.
Result<bool> is_echo_of_jorge(SqlSession& session, const InboundEvent& event, const std::vector<std::string>& tags_before) {
  if (event.job_event == JobEvent::kOutboundMessage && event.interaction) {
    if (event.interaction->external_id.empty()) return false;
    JORGE_TRY(SqlRows sent, session.exec("SELECT 1 FROM outbox WHERE remote_id = $1 AND kind IN ('sms', 'compliance_sms')",
                                         {event.interaction->external_id}));
    return !sent.rows.empty();
  }
  if (!event.tags_only || !event.contact) return false;
  const std::vector<std::string>& after = event.contact->tags;
  auto changed_only_jorges = [](const std::vector<std::string>& from, const std::vector<std::string>& to) {
    for (const auto& tag : from)
      if (std::find(to.begin(), to.end(), tag) == to.end() && !is_jorge_tag(tag)) return false;
    return true;
  };
  // Jorge only ever adds tags: one taken away (a person removing `jorge-handoff` to hand the
  // conversation back, #19) is never an echo.
  const bool removed_any = std::any_of(tags_before.begin(), tags_before.end(), [&](const std::string& tag) {
    return std::find(after.begin(), after.end(), tag) == after.end();
  });
  return !removed_any && changed_only_jorges(after, tags_before);
}

// #15: consent is decided as the message is stored, per phone number, each message on its own
// in the order the person sent them (a newer message's decision is never undone by an older
// one delivered late). An opt-out blocks every pending text to the number at once.
// A required answer (STOP confirmation, HELP text, the opted-out tag), hot, due now.
Status queue_compliance_message(SqlSession& session, const InboundEvent& event, ContactId contact, OutboxKind kind,
                                const std::string& payload, int64_t now) {
  const std::string crm_id = event.source == "ghl" ? event.contact->external_id : std::string();
  JORGE_TRY(SqlRows queued, session.exec("INSERT INTO outbox (contact_id, kind, external_contact_id, priority, payload, "
                                         "due_at, created_at) VALUES ($1, $2, $3, 0, $4, $5, $5)",
                                         {contact, std::string(outbox_kind_name(kind)), crm_id, payload, now}));
  (void)queued;
  return ok_status();
}

Status record_consent(SqlSession& session, const InboundEvent& event, ContactId contact, const StoreOptions& rules,
                      int64_t now) {
  const InteractionRecord& message = *event.interaction;
  if (!rules.classify_inbound || message.direction != Direction::kInbound || !event.contact || !event.contact->phone)
    return ok_status();
  const ConsentKeyword keyword = rules.classify_inbound(message.body);
  const std::string phone = event.contact->phone->e164();
  if (keyword == ConsentKeyword::kHelp && !rules.help_text.empty()) {
    // At most once a day per number, however often HELP comes.
    JORGE_TRY(SqlRows recent, session.exec("SELECT 1 FROM outbox o JOIN contacts c ON c.id = o.contact_id WHERE "
                                           "c.phone = $1 AND o.kind = 'compliance_sms' AND o.payload = $2 AND "
                                           "o.created_at > $3 LIMIT 1",
                                           {phone, rules.help_text, now - 86'400'000}));
    if (recent.rows.empty())
      JORGE_TRY_STATUS(queue_compliance_message(session, event, contact, OutboxKind::kComplianceSms, rules.help_text, now));
    return ok_status();
  }
  if (keyword != ConsentKeyword::kOptOut && keyword != ConsentKeyword::kOptIn) return ok_status();
  const bool opted_out = keyword == ConsentKeyword::kOptOut;
  JORGE_TRY(SqlRows before, session.exec("SELECT opted_out FROM phone_consent WHERE phone = $1", {phone}));
  const bool was_opted_out = !before.rows.empty() && before.rows[0][0] && *before.rows[0][0] != "0";
  const int64_t sent_at = message.occurred_at == SystemTime{} ? now : to_unix_millis(message.occurred_at);
  JORGE_TRY(SqlRows consent,
            session.exec("INSERT INTO phone_consent (phone, opted_out, message_at, changed_at) VALUES ($1, $2, $3, $4) "
                         "ON CONFLICT (phone) DO UPDATE SET opted_out = excluded.opted_out, "
                         "message_at = excluded.message_at, changed_at = excluded.changed_at "
                         "WHERE excluded.message_at >= phone_consent.message_at",
                         {phone, int64_t{opted_out}, sent_at, now}));
  if (consent.affected == 0) return ok_status();  // a newer message of this person decided already
  JORGE_TRY(SqlRows flagged, session.exec("UPDATE contacts SET sms_opt_out = $2, updated_at = $3 WHERE phone = $1",
                                          {phone, int64_t{opted_out}, now}));
  (void)flagged;
  if (!opted_out) return ok_status();
  JORGE_TRY(SqlRows blocked,
            session.exec("UPDATE outbox SET state = 'blocked', last_error = 'opted out' WHERE kind = 'sms' AND "
                         "state = 'pending' AND contact_id IN (SELECT id FROM contacts WHERE phone = $1)",
                         {phone}));
  (void)blocked;
  if (was_opted_out) return ok_status();  // a second STOP: no second confirmation
  JORGE_TRY_STATUS(queue_compliance_message(session, event, contact, OutboxKind::kTags, "opted-out", now));
  if (rules.stop_confirmation.empty()) return ok_status();  // the carrier answers STOP itself
  return queue_compliance_message(session, event, contact, OutboxKind::kComplianceSms, rules.stop_confirmation, now);
}

Status save_opportunity(SqlSession& session, const InboundEvent& event, ContactId contact, int64_t now) {
  const OpportunityRecord& opportunity = *event.opportunity;
  const std::string external_id = opportunity.external_id.empty() ? event.idempotency_key : opportunity.external_id;
  JORGE_TRY(SqlRows before, session.exec("SELECT outcome, pipeline_stage_id FROM opportunities WHERE source = $1 AND "
                                         "external_id = $2",
                                         {event.source, external_id}));
  const std::string old_outcome = before.rows.empty() ? "" : before.rows[0][0].value_or("");
  const std::string old_stage = before.rows.empty() ? "" : before.rows[0][1].value_or("");
  const std::string subject = event.source + "/" + external_id, why = event.source + " " + event.event_type;
  const std::string outcome(outcome_name(opportunity.outcome));
  if (outcome != old_outcome)
    JORGE_TRY_STATUS(record_stage_change(session, contact, "opportunity_status", subject, old_outcome, outcome, why, now));
  if (opportunity.pipeline_stage_id != old_stage)
    JORGE_TRY_STATUS(record_stage_change(session, contact, "opportunity_stage", subject, old_stage,
                                         opportunity.pipeline_stage_id, why, now));
  auto run = session.exec(
      "INSERT INTO opportunities (contact_id, source, external_id, name, pipeline_id, pipeline_stage_id, outcome, "
      "value_cents, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT (source, external_id) DO UPDATE SET name = excluded.name, pipeline_id = excluded.pipeline_id, "
      "pipeline_stage_id = excluded.pipeline_stage_id, outcome = excluded.outcome, "
      "value_cents = excluded.value_cents, updated_at = excluded.updated_at",
      {contact, event.source, opportunity.external_id.empty() ? event.idempotency_key : opportunity.external_id,
       opportunity.name, opportunity.pipeline_id, opportunity.pipeline_stage_id,
       std::string(outcome_name(opportunity.outcome)), opportunity.value.cents, now});
  if (!run.ok()) return run.take_error();
  // An open opportunity moves a new or engaged contact forward, never a closed one back; a
  // closed one sets the outcome whatever came before (a lost deal can be revived and won).
  Stage next = stage_for_outcome(opportunity.outcome);
  return opportunity.outcome == Outcome::kOpen
             ? advance_stage(session, contact, next, "'new', 'engaged', 'appointment_set'", "an opportunity opened", now)
             : advance_stage(session, contact, next,
                             "'new', 'engaged', 'appointment_set', 'opportunity', 'won', 'lost', 'abandoned'",
                             "the opportunity was " + outcome, now);
}

// The contacts a block finds for this person (indexed), at most 50.
Result<std::vector<ContactFields>> block_candidates(SqlSession& session, const ContactFacts& facts,
                                                      CandidateBlock block) {
  const bool by_zip = block == CandidateBlock::kLastNameAndZip;
  JORGE_TRY(SqlRows rows,
            session.exec(std::string("SELECT id, first_name, last_name, full_name, email, phone, address, city, state, "
                                     "postal_code FROM contacts WHERE ") +
                             (by_zip ? "postal_code = $1" : "first_name = $1") +
                             " AND last_name = $2 AND merged_into IS NULL ORDER BY id LIMIT 50",
                         {by_zip ? facts.postal_code : facts.first_name, facts.last_name}));
  std::vector<ContactFields> candidates;
  for (const auto& r : rows.rows)
    candidates.push_back({std::stoll(r[0].value_or("0")), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                          r[4].value_or(""), r[5].value_or(""), r[6].value_or(""), r[7].value_or(""), r[8].value_or(""),
                          r[9].value_or("")});
  return candidates;
}

// No exact key found this person: the online matcher judges the contacts with the same last
// name and ZIP; when the lead gives no ZIP or nobody of that name lives there, those with the
// same first and last name anywhere.
Result<std::optional<OnlineMatch>> fuzzy_contact(SqlSession& session, const ContactFacts& facts,
                                                 const OnlineMatcher& matcher) {
  if (!matcher || facts.last_name.empty()) return std::optional<OnlineMatch>();
  if (!facts.postal_code.empty()) {
    JORGE_TRY(std::vector<ContactFields> at_zip, block_candidates(session, facts, CandidateBlock::kLastNameAndZip));
    if (!at_zip.empty()) return matcher(facts, at_zip, CandidateBlock::kLastNameAndZip);
  }
  if (facts.first_name.empty()) return std::optional<OnlineMatch>();
  JORGE_TRY(std::vector<ContactFields> namesakes, block_candidates(session, facts, CandidateBlock::kFullName));
  if (namesakes.empty()) return std::optional<OnlineMatch>();
  return matcher(facts, namesakes, CandidateBlock::kFullName);
}

// Why a pair that shares an exact key was not joined, for the reviewer (the review shows the
// two contacts themselves beside it).
std::string shared_key_evidence(const ContactFacts& facts) {
  nlohmann::json evidence = nlohmann::json::object();
  if (facts.phone) evidence["phone"] = {{"agreement", "agree"}};
  if (!facts.email.empty()) evidence["email"] = {{"agreement", "agree"}};
  evidence["first_name"] = {{"agreement", "disagree"}};
  evidence["reason"] = "shared phone or e-mail, names clearly differ: not joined automatically";
  return evidence.dump();
}

}  // namespace

// With a trust order: the fields of `facts` that a more trusted source gave the contact's
// current value of are blanked (left as they are by update_contact).
Status keep_trusted_values(SqlSession& session, ContactId id, const std::string& source,
                           const std::vector<std::string>& trust, ContactFacts& facts) {
  auto rank = [&](const std::string& name) {
    auto at = std::find(trust.begin(), trust.end(), name);
    return at == trust.end() ? trust.size() : static_cast<size_t>(at - trust.begin());
  };
  JORGE_TRY(SqlRows current, session.exec("SELECT first_name, last_name, full_name, email, phone, address, city, state, "
                                          "postal_code FROM contacts WHERE id = $1",
                                          {id}));
  if (current.rows.empty()) return ok_status();
  JORGE_TRY(SqlRows records, session.exec("SELECT source, facts FROM leads WHERE contact_id = $1 AND raw_event_id <> 0 "
                                          "ORDER BY received_at DESC, id DESC",
                                          {id}));
  std::vector<std::pair<std::string, nlohmann::json>> said;
  for (const auto& row : records.rows)
    said.emplace_back(row[0].value_or(""), parse_json(row[1].value_or("{}")));
  const char* names[] = {"first_name", "last_name", "full_name", "email", "phone", "address", "city", "state", "postal_code"};
  std::string* fields[] = {&facts.first_name, &facts.last_name, &facts.full_name, &facts.email, nullptr,
                           &facts.address, &facts.city, &facts.state, &facts.postal_code};
  for (size_t f = 0; f < 9; ++f) {
    std::string value = current.rows[0][f].value_or("");
    if (value.empty()) continue;
    // The source of the current value: the most recent record that gave it.
    for (const auto& [giver, facts_json] : said) {
      auto given = facts_json.is_object() ? facts_json.find(names[f]) : facts_json.end();
      if (!facts_json.is_object() || given == facts_json.end() || !given->is_string() || *given != value) continue;
      if (rank(giver) < rank(source)) {
        if (fields[f]) fields[f]->clear();
        else facts.phone.reset();
      }
      break;
    }
  }
  return ok_status();
}

namespace {

// "M." or "Mar" -> "Maria", "Maria" -> "Maria Elena": `replacement` says more of the same name.
bool completes(std::string_view stored, std::string_view replacement) {
  std::string a = ascii_lower(stored), b = ascii_lower(replacement);
  a.erase(std::remove(a.begin(), a.end(), '.'), a.end());
  return b.size() > a.size() && b.compare(0, a.size(), a) == 0;
}

// #14: another record of the person (a second sheet row, another portal) joined by phone or
// e-mail does not rename them: "Delgaod" from a misspelt row leaves the earlier "Delgado". It
// fills a name that is missing or completes one that is shorter; a correction comes through the
// record that gave the name (the CRM contact an agent edits) and still wins.
Status keep_earlier_names(SqlSession& session, ContactId id, ContactFacts& facts) {
  JORGE_TRY(SqlRows current, session.exec("SELECT first_name, last_name, full_name FROM contacts WHERE id = $1", {id}));
  if (current.rows.empty()) return ok_status();
  std::string* fields[] = {&facts.first_name, &facts.last_name, &facts.full_name};
  for (size_t f = 0; f < 3; ++f) {
    const std::string stored = current.rows[0][f].value_or("");
    if (!stored.empty() && !fields[f]->empty() && !completes(stored, *fields[f])) fields[f]->clear();
  }
  return ok_status();
}

}  // namespace

Result<IngestOutcome> apply_event(SqlSession& session, const InboundEvent& event, const std::string& raw_body,
                                  const JobPlan& plan, int64_t now, const StoreOptions& identity) {
  const OnlineMatcher& matcher = identity.online_matcher;
  const std::vector<std::string>& source_trust = identity.source_trust;
  JORGE_TRY(SqlRows inserted,
            session.exec("INSERT INTO raw_events (source, idempotency_key, event_type, recognised, received_at, body) "
                         "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id",
                         {event.source, event.idempotency_key, event.event_type, int64_t{event.recognised}, now,
                          raw_body}));
  IngestOutcome outcome;
  if (auto id = first_id(inserted)) {
    outcome.event_id = *id;
  } else {
    JORGE_TRY(SqlRows existing, session.exec("SELECT id, contact_id FROM raw_events WHERE source = $1 AND "
                                             "idempotency_key = $2",
                                             {event.source, event.idempotency_key}));
    outcome.duplicate = true;
    if (auto id = first_id(existing)) outcome.event_id = *id;
    if (!existing.rows.empty() && existing.rows[0][1]) outcome.contact_id = std::stoll(*existing.rows[0][1]);
    return outcome;
  }
  if (!event.recognised) return outcome;
  int64_t run_at = plan.run_at == SystemTime{} ? now : std::max(now, to_unix_millis(plan.run_at));
  if (!event.contact) {
    // A notification that names a lead without describing it: its job fetches the lead.
    if (event.job_kind != JobKind::kProcessEvent) {
      JORGE_TRY(SqlRows job, session.exec("INSERT INTO jobs (kind, raw_event_id, priority, run_at, created_at) "
                                          "VALUES ($1, $2, $3, $4, $5)",
                                          {std::string(job_kind_name(event.job_kind)), outcome.event_id, int64_t{plan.priority}, run_at, now}));
      (void)job;
    }
    return outcome;
  }

  const ContactFacts& facts = *event.contact;
  JORGE_TRY(ExactKeyMatch exact, find_contact(session, event, identity.name_conflict));
  const std::optional<KnownContact>& found = exact.found;
  std::optional<OnlineMatch> fuzzy;
  if (exact.conflicting) {
    // A shared phone or e-mail, names that clearly differ: two people until a reviewer says
    // otherwise (a probability of one half: the keys say same, the names say different).
    fuzzy = OnlineMatch{*exact.conflicting, 0.5, false, shared_key_evidence(facts)};
  } else if (!found) {
    JORGE_TRY(fuzzy, fuzzy_contact(session, facts, matcher));
  }
  KnownContact contact;
  std::vector<std::string> tags_before;  // to tell Jorge's own tag push from a person's
  if (found) {
    contact = *found;
    if (event.tags_only) {
      JORGE_TRY(SqlRows tags, session.exec("SELECT tags FROM contacts WHERE id = $1", {contact.id}));
      if (!tags.rows.empty()) tags_before = split_tags(tags.rows[0][0].value_or(""));
    }
    ContactFacts allowed = facts;
    if (!source_trust.empty())
      JORGE_TRY_STATUS(keep_trusted_values(session, contact.id, event.source, source_trust, allowed));
    if (!contact.has_source_record) JORGE_TRY_STATUS(keep_earlier_names(session, contact.id, allowed));
    JORGE_TRY_STATUS(update_contact(session, contact.id, allowed, now));
  } else {
    JORGE_TRY(contact.id, insert_contact(session, facts, now));
    if (fuzzy && !fuzzy->same) {  // maybe the same person: a reviewer decides
      JORGE_TRY(SqlRows queued,
                session.exec("INSERT INTO identity_reviews (contact_a, contact_b, probability, evidence, created_at) "
                             "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contact_a, contact_b) DO NOTHING",
                             {std::min(fuzzy->contact, contact.id), std::max(fuzzy->contact, contact.id),
                              std::to_string(fuzzy->probability), fuzzy->evidence_json, now}));
      (void)queued;
    }
  }
  outcome.contact_id = contact.id;
  JORGE_TRY_STATUS(save_source_record(session, event, contact, outcome.event_id, now));
  std::optional<int64_t> interaction_id;
  if (event.interaction) {
    JORGE_TRY(interaction_id, save_interaction(session, event, contact, outcome.event_id, now));
    JORGE_TRY_STATUS(record_consent(session, event, contact.id, identity, now));
  }
  if (event.opportunity) JORGE_TRY_STATUS(save_opportunity(session, event, contact.id, now));
  // A booking moves a lead that is not yet further along to "appointment set" (#19).
  if (event.appointment && event.appointment->active())
    JORGE_TRY_STATUS(advance_stage(session, contact.id, Stage::kAppointmentSet, "'new', 'engaged'",
                                   "an appointment was booked", now));
  JORGE_TRY(SqlRows linked, session.exec("UPDATE raw_events SET contact_id = $2 WHERE id = $1", {outcome.event_id, contact.id}));
  (void)linked;
  JORGE_TRY(bool echo, is_echo_of_jorge(session, event, tags_before));
  if (!echo) {
    JORGE_TRY(SqlRows job, session.exec("INSERT INTO jobs (kind, contact_id, raw_event_id, priority, run_at, created_at, "
                                        "event, interaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                                        {std::string(job_kind_name(event.job_kind)), contact.id, outcome.event_id, int64_t{plan.priority}, run_at, now,
                                         std::string(job_event_name(event.job_event)),
                                         interaction_id ? SqlValue{*interaction_id} : SqlValue{}}));
    (void)job;
  }
  if (fuzzy && fuzzy->same) {
    // The same person as a known contact: stored as its own contact above, then merged into
    // that one in this transaction, so the join is audited and undone like any merge.
    JORGE_TRY(int64_t merge, apply_merge(session, fuzzy->contact, contact.id, fuzzy->probability, fuzzy->evidence_json,
                                         "online", now));
    (void)merge;
    outcome.contact_id = fuzzy->contact;
  }
  return outcome;
}

Status lock_identities(SqlSession& session, const std::vector<const InboundEvent*>& events) {
  std::vector<std::string> keys;
  for (const InboundEvent* event : events) {
    if (!event->contact) continue;
    const ContactFacts& facts = *event->contact;
    if (!facts.external_id.empty()) keys.push_back("id:" + event->source + "/" + facts.external_id);
    if (facts.phone) keys.push_back("phone:" + facts.phone->e164());
    if (!facts.email.empty()) keys.push_back("email:" + facts.email);
  }
  // One global order: two transactions wanting the same people queue behind each other
  // instead of deadlocking (PostgreSQL only finds a deadlock after deadlock_timeout, 1 s).
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return session.lock_keys(keys);
}

std::string without_separators(std::string text) {
  for (char& c : text)
    if (c == '\x1e' || c == '\x1f') c = ' ';
  return text;
}

std::string encode_field_value(const FieldValue& value) {
  if (auto* text = std::get_if<std::string>(&value)) return without_separators(*text);
  if (auto* number = std::get_if<double>(&value)) return nlohmann::json(*number).dump();
  if (auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  return nlohmann::json(std::get<std::vector<std::string>>(value)).dump();
}

FieldValue decode_field_value(std::string_view type, const std::string& text) {
  if (type == "number") return std::strtod(text.c_str(), nullptr);
  if (type == "bool") return text == "true";
  if (type == "list") {
    auto parsed = parse_json(text);
    std::vector<std::string> items;
    if (parsed.is_array())
      for (const auto& item : parsed)
        if (item.is_string()) items.push_back(item.get<std::string>());
    return items;
  }
  return text;
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& tag : tags) {
    if (!out.empty()) out.push_back('\n');
    for (char c : tag) out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

std::vector<std::string> split_tags(const std::string& text) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    tags.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tags;
}

}  // namespace jorge::store::internal
