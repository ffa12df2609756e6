// Leads as the API, the pipeline and the CLI read them (store/lead_reads.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Result<LeadPage> SqlStore::list_leads(const LeadFilter& filter) {
  return readers_.with_session([&](SqlSession& session) -> Result<LeadPage> {
    std::string sql = "SELECT c.id, c.full_name, c.phone, c.email, c.stage, c.created_at, c.updated_at "
                      "FROM contacts c WHERE c.id > $1 AND c.merged_into IS NULL";
    std::vector<SqlValue> params{filter.after_id};
    if (filter.stage) {
      params.emplace_back(std::string(stage_name(*filter.stage)));
      sql += " AND c.stage = $" + std::to_string(params.size());
    }
    if (filter.updated_since) {
      params.emplace_back(to_unix_millis(*filter.updated_since));
      sql += " AND c.updated_at >= $" + std::to_string(params.size());
    }
    if (!filter.source.empty()) {
      params.emplace_back(filter.source);
      sql += " AND EXISTS (SELECT 1 FROM leads l WHERE l.contact_id = c.id AND l.source = $" +
             std::to_string(params.size()) + ")";
    }
    params.emplace_back(int64_t{filter.limit} + 1);
    sql += " ORDER BY c.id LIMIT $" + std::to_string(params.size());
    JORGE_TRY(SqlRows rows, session.exec(sql, params));
    LeadPage page;
    for (const SqlRow& row : rows.rows) {
      if (static_cast<int>(page.leads.size()) == filter.limit) {
        page.next_after_id = page.leads.back().id;
        break;
      }
      page.leads.push_back(summary_from(row));
    }
    JORGE_TRY_STATUS(attach_sources(session, page.leads));
    return page;
  });
}

Result<LeadDetail> SqlStore::get_lead(ContactId id) {
  return readers_.with_session([&](SqlSession& session) -> Result<LeadDetail> {
    JORGE_TRY(SqlRows rows,
              session.exec("SELECT id, full_name, phone, email, stage, created_at, updated_at, first_name, "
                           "last_name, address, city, state, postal_code, country, lead_source, tags, "
                           "do_not_disturb, " + std::string(kOptedOutByContactOrNumber) + " FROM contacts c WHERE id = $1",
                           {id}));
    if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no lead " + std::to_string(id)};
    const SqlRow& row = rows.rows[0];
    LeadDetail detail;
    detail.summary = summary_from(row);
    detail.first_name = to_text(row[7]);
    detail.last_name = to_text(row[8]);
    detail.address = to_text(row[9]);
    detail.city = to_text(row[10]);
    detail.state = to_text(row[11]);
    detail.postal_code = to_text(row[12]);
    detail.country = to_text(row[13]);
    detail.lead_source = to_text(row[14]);
    detail.tags = split_tags(to_text(row[15]));
    detail.do_not_disturb = to_int(row[16]) != 0;
    detail.sms_opt_out = to_int(row[17]) != 0;
    std::vector<LeadSummary> one{detail.summary};
    JORGE_TRY_STATUS(attach_sources(session, one));
    detail.summary.sources = one[0].sources;
    JORGE_TRY(SqlRows records, session.exec("SELECT l.source, l.external_id, l.received_at, r.body, l.campaign_id, "
                                            "l.campaign_name, l.ad_id, l.ad_name, l.adset_id, l.form_id, l.lead_type, "
                                            "l.facts "
                                            "FROM leads l JOIN raw_events r ON r.id = l.raw_event_id "
                                            "WHERE l.contact_id = $1 ORDER BY l.id",
                                            {id}));
    for (const SqlRow& r : records.rows)
      detail.records.push_back({to_text(r[0]), to_text(r[1]), from_unix_millis(to_int(r[2])), to_text(r[3]),
                                LeadOrigin{to_text(r[4]), to_text(r[5]), to_text(r[6]), to_text(r[7]),
                                           to_text(r[8]), to_text(r[9]), to_text(r[10])},
                                to_text(r[11])});
    JORGE_TRY(SqlRows fields, session.exec("SELECT field_key, value_type, value FROM custom_fields "
                                           "WHERE contact_id = $1 ORDER BY source, field_key",
                                           {id}));
    for (const SqlRow& r : fields.rows)
      detail.custom_fields.push_back({to_text(r[0]), decode_field_value(to_text(r[1]), to_text(r[2]))});
    JORGE_TRY(SqlRows messages, session.exec("SELECT source, external_id, direction, channel, body, occurred_at, "
                                             "author_user_id, author_source FROM interactions WHERE contact_id = $1 "
                                             "ORDER BY occurred_at, id",
                                             {id}));
    for (const SqlRow& r : messages.rows) {
      InteractionRecord record{to_text(r[1]), to_text(r[2]) == "outbound" ? Direction::kOutbound : Direction::kInbound,
                               to_text(r[3]), to_text(r[4]), from_unix_millis(to_int(r[5])), to_text(r[6]), to_text(r[7])};
      detail.interactions.push_back({to_text(r[0]), std::move(record)});
    }
    JORGE_TRY(SqlRows opportunities,
              session.exec("SELECT source, external_id, name, pipeline_id, pipeline_stage_id, outcome, value_cents, "
                           "updated_at FROM opportunities WHERE contact_id = $1 ORDER BY id",
                           {id}));
    for (const SqlRow& r : opportunities.rows) {
      OpportunityRecord record{to_text(r[1]), to_text(r[2]), to_text(r[3]), to_text(r[4]),
                               parse_outcome(to_text(r[5])).value_or(Outcome::kOpen), Money{to_int(r[6])}};
      detail.opportunities.push_back({to_text(r[0]), std::move(record), from_unix_millis(to_int(r[7]))});
    }
    // The bots' superseded replies and follow-ups are not listed: a newer message replaced them.
    JORGE_TRY(SqlRows waiting, session.exec("SELECT id, kind, state, last_error, due_at, dedup_key FROM outbox WHERE "
                                            "contact_id = $1 AND state IN ('pending', 'sending', 'blocked', 'cancelled') "
                                            "AND NOT (state = 'cancelled' AND (dedup_key LIKE 'follow-up:%' OR "
                                            "dedup_key LIKE 'reply:%')) ORDER BY id DESC LIMIT 50",
                                            {id}));
    for (const SqlRow& r : waiting.rows) {
      // The key is "<purpose>:<person>": the purpose is what a person reads ("first-touch", "follow-up:<message>:2").
      std::string purpose = to_text(r[5]);
      purpose = purpose.substr(0, purpose.rfind(':') == std::string::npos ? 0 : purpose.rfind(':'));
      detail.waiting_messages.push_back(
          {to_int(r[0]), to_text(r[1]), to_text(r[2]), to_text(r[3]), from_unix_millis(to_int(r[4])), purpose});
    }
    JORGE_TRY(SqlRows history, session.exec("SELECT kind, subject, from_value, to_value, reason, changed_at FROM "
                                            "stage_changes WHERE contact_id = $1 ORDER BY changed_at, id LIMIT 200",
                                            {id}));
    for (const SqlRow& r : history.rows)
      detail.stage_history.push_back({to_text(r[0]), to_text(r[1]), to_text(r[2]), to_text(r[3]), to_text(r[4]),
                                      from_unix_millis(to_int(r[5]))});
    return detail;
  });
}

Result<StoreCounts> SqlStore::counts() {
  return readers_.with_session([](SqlSession& session) -> Result<StoreCounts> {
    JORGE_TRY(SqlRows rows, session.exec(
                                "SELECT (SELECT COUNT(*) FROM raw_events), (SELECT COUNT(*) FROM contacts), "
                                "(SELECT COUNT(*) FROM leads), (SELECT COUNT(*) FROM interactions), "
                                "(SELECT COUNT(*) FROM jobs)"));
    const SqlRow& row = rows.rows.at(0);
    return StoreCounts{to_int(row[0]), to_int(row[1]), to_int(row[2]), to_int(row[3]), to_int(row[4])};
  });
}

Result<std::vector<SourceSummary>> SqlStore::source_summaries() {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<SourceSummary>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT source, COUNT(*), COUNT(DISTINCT contact_id), MIN(received_at), "
                                         "MAX(received_at) FROM leads WHERE raw_event_id <> 0 GROUP BY source ORDER BY source"));
    std::vector<SourceSummary> sources;
    for (const auto& row : rows.rows) {
      SourceSummary summary;
      summary.source = row[0].value_or("");
      summary.leads = std::stoll(row[1].value_or("0"));
      summary.contacts = std::stoll(row[2].value_or("0"));
      summary.first_lead_at = from_unix_millis(std::stoll(row[3].value_or("0")));
      summary.last_lead_at = from_unix_millis(std::stoll(row[4].value_or("0")));
      sources.push_back(std::move(summary));
    }
    return sources;
  });
}

namespace {

// `sql` ($1 the contact, $2 the CRM source) for `contact`, then again for the contact it was
// merged into while column `merged_into` says so: the row of the person. kNotFound if none.
Result<SqlRows> person_row(SqlSession& session, const std::string& sql, ContactId contact,
                           const std::string& crm_source, size_t merged_into) {
  JORGE_TRY(SqlRows rows, session.exec(sql, {contact, crm_source}));
  for (int hop = 0; hop < 64 && !rows.rows.empty() && rows.rows[0][merged_into]; ++hop) {
    JORGE_TRY(rows, session.exec(sql, {to_int(rows.rows[0][merged_into]), crm_source}));
  }
  if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no lead " + std::to_string(contact)};
  return rows;
}

}  // namespace

Result<OutreachFacts> SqlStore::outreach_facts(ContactId contact, const std::string& crm_source) {
  return readers_.with_session([&](SqlSession& session) -> Result<OutreachFacts> {
    // One round trip. Every subquery goes through a contact_id index only: a predicate on
    // source would tempt PostgreSQL into scanning the (source, external_id) index, which
    // grows with leads. Texts and custom fields come aggregated, separated by control
    // characters that cannot occur in them (\x1e between items, \x1f between parts).
    const bool postgres = backend_ == Backend::kPostgres;
    const std::string aggregate = postgres ? "string_agg" : "group_concat";
    const std::string character = postgres ? "CHR" : "CHAR";
    // SQLite 3.40 keeps a subquery's order in group_concat; PostgreSQL is told the order.
    const std::string texts =
        postgres ? "(SELECT string_agg(body, ' ' ORDER BY occurred_at, id) FROM interactions WHERE contact_id = c.id "
                   "AND direction = 'inbound' AND body <> '')"
                 : "(SELECT group_concat(body, ' ') FROM (SELECT body FROM interactions WHERE contact_id = c.id "
                   "AND direction = 'inbound' AND body <> '' ORDER BY occurred_at, id) inbound)";
    const std::string sql =
        "SELECT c.id, c.first_name, c.phone, c.state, c.lead_source, c.do_not_disturb, "
        + std::string(kOptedOutByContactOrNumber) + ", (SELECT external_id FROM leads WHERE contact_id = c.id AND "
        "source || '' = $2 ORDER BY received_at, id LIMIT 1), (SELECT body FROM interactions WHERE "
        "contact_id = c.id AND direction = 'inbound' ORDER BY occurred_at DESC LIMIT 1), "
        "CASE WHEN EXISTS (SELECT 1 FROM outbox WHERE contact_id = c.id AND kind = 'sms') OR EXISTS (SELECT 1 "
        "FROM interactions WHERE contact_id = c.id AND direction = 'outbound') THEN 1 ELSE 0 END, c.created_at, "
        "(SELECT COUNT(*) FROM interactions WHERE contact_id = c.id), "
        "(SELECT COUNT(DISTINCT source) FROM leads WHERE contact_id = c.id AND raw_event_id <> 0), "
        "(SELECT MIN(r.occurred_at) - o.first_out FROM interactions r, (SELECT MIN(occurred_at) AS first_out "
        "FROM interactions WHERE contact_id = c.id AND direction = 'outbound') o WHERE r.contact_id = c.id AND "
        "r.direction = 'inbound' AND r.occurred_at > o.first_out GROUP BY o.first_out), " +
        texts + ", (SELECT " + aggregate + "(field_key || " + character + "(31) || value_type || " + character +
        "(31) || value, " + character + "(30)) "
        "FROM custom_fields WHERE contact_id = c.id), c.merged_into, c.postal_code, c.assigned_user "
        "FROM contacts c WHERE c.id = $1";
    // A contact merged away speaks for its person: the facts are those of where it was merged.
    JORGE_TRY(SqlRows rows, person_row(session, sql, contact, crm_source, 16));
    const SqlRow& row = rows.rows[0];
    OutreachFacts facts;
    facts.id = to_int(row[0]);
    facts.first_name = to_text(row[1]);
    facts.phone = to_text(row[2]);
    facts.state = to_text(row[3]);
    facts.postal_code = to_text(row[17]);
    facts.assigned_user = to_text(row[18]);
    facts.lead_source = to_text(row[4]);
    facts.do_not_disturb = to_int(row[5]) != 0;
    facts.sms_opt_out = to_int(row[6]) != 0;
    facts.crm_contact_id = to_text(row[7]);
    facts.last_inbound_text = to_text(row[8]);
    facts.already_texted = to_int(row[9]) > 0;
    facts.created_at = from_unix_millis(to_int(row[10]));
    facts.interactions = to_int(row[11]);
    facts.distinct_sources = std::max<int64_t>(1, to_int(row[12]));
    if (row[13]) facts.response_hours = static_cast<double>(to_int(row[13])) / 3'600'000.0;
    facts.inbound_texts = to_text(row[14]);
    const std::string fields = to_text(row[15]);
    for (size_t start = 0; start < fields.size();) {
      size_t end = fields.find('\x1e', start);
      if (end == std::string::npos) end = fields.size();
      std::string item = fields.substr(start, end - start);
      size_t first = item.find('\x1f'), second = first == std::string::npos ? first : item.find('\x1f', first + 1);
      if (second != std::string::npos)
        facts.custom_fields.push_back({item.substr(0, first),
                                       decode_field_value(item.substr(first + 1, second - first - 1), item.substr(second + 1))});
      start = end + 1;
    }
    return facts;
  });
}

Result<RecipientFacts> SqlStore::recipient_facts(ContactId contact, const std::string& crm_source) {
  return readers_.with_session([&](SqlSession& session) -> Result<RecipientFacts> {
    // As outreach_facts, through contact_id indexes only.
    const std::string sql =
        "SELECT c.id, c.phone, c.state, c.postal_code, c.do_not_disturb, " + std::string(kOptedOutByContactOrNumber) +
        ", (SELECT external_id FROM leads WHERE contact_id = c.id AND source || '' = $2 ORDER BY received_at, id "
        "LIMIT 1), (SELECT sent_at FROM outbox WHERE contact_id = c.id AND kind = 'sms' AND state = 'sent' "
        "ORDER BY sent_at DESC LIMIT 1 OFFSET 2), c.merged_into FROM contacts c WHERE c.id = $1";
    JORGE_TRY(SqlRows rows, person_row(session, sql, contact, crm_source, 8));
    const SqlRow& row = rows.rows[0];
    RecipientFacts facts;
    facts.id = to_int(row[0]);
    facts.phone = to_text(row[1]);
    facts.state = to_text(row[2]);
    facts.postal_code = to_text(row[3]);
    facts.do_not_disturb = to_int(row[4]) != 0;
    facts.sms_opt_out = to_int(row[5]) != 0;
    facts.crm_contact_id = to_text(row[6]);
    if (row[7]) facts.third_last_text_at = from_unix_millis(to_int(row[7]));
    return facts;
  });
}

LeadSummary SqlStore::summary_from(const SqlRow& row) {
  LeadSummary summary;
  summary.id = to_int(row[0]);
  summary.full_name = to_text(row[1]);
  summary.phone = to_text(row[2]);
  summary.email = to_text(row[3]);
  summary.stage = parse_stage(to_text(row[4])).value_or(Stage::kNew);
  summary.created_at = from_unix_millis(to_int(row[5]));
  summary.updated_at = from_unix_millis(to_int(row[6]));
  return summary;
}

Status SqlStore::attach_sources(SqlSession& session, std::vector<LeadSummary>& leads) {
  if (leads.empty()) return ok_status();
  JORGE_TRY(SqlRows rows, session.exec("SELECT DISTINCT contact_id, source FROM leads WHERE contact_id >= $1 AND "
                                       "contact_id <= $2 ORDER BY contact_id, source",
                                       {leads.front().id, leads.back().id}));
  size_t at = 0;
  for (const SqlRow& row : rows.rows) {
    ContactId contact = to_int(row[0]);
    while (at < leads.size() && leads[at].id < contact) ++at;
    if (at < leads.size() && leads[at].id == contact) leads[at].sources.push_back(to_text(row[1]));
  }
  return ok_status();
}

}  // namespace jorge::store::internal
