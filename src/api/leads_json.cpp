#include "api/leads_json.hpp"

#include "core/json_parse.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace jorge::api {
namespace {
nlohmann::json or_null(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }

nlohmann::json field_json(const FieldValue& value) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, value);
}
}  // namespace

nlohmann::json lead_summary_json(const store::LeadSummary& lead) {
  return {{"id", lead.id},
          {"name", or_null(lead.full_name)},
          {"phone", or_null(lead.phone)},
          {"email", or_null(lead.email)},
          {"stage", stage_name(lead.stage)},
          {"sources", lead.sources},
          {"created_at", format_iso8601(lead.created_at)},
          {"updated_at", format_iso8601(lead.updated_at)}};
}

nlohmann::json lead_detail_json(const store::LeadDetail& lead) {
  nlohmann::json out = lead_summary_json(lead.summary);
  out["first_name"] = or_null(lead.first_name);
  out["last_name"] = or_null(lead.last_name);
  out["address"] = {{"street", or_null(lead.address)}, {"city", or_null(lead.city)}, {"state", or_null(lead.state)},
                    {"postal_code", or_null(lead.postal_code)}, {"country", or_null(lead.country)}};
  out["lead_source"] = or_null(lead.lead_source);
  out["tags"] = lead.tags;
  out["do_not_disturb"] = lead.do_not_disturb;
  out["sms_opt_out"] = lead.sms_opt_out;  // the contact's or its phone number's STOP (#15)
  // Texts not sent (yet), and why: a team sees what is held for quiet hours or blocked (#15),
  // and a duplicate greeting a merge cancelled (#16).
  nlohmann::json waiting = nlohmann::json::array();
  for (const auto& message : lead.waiting_messages) {
    nlohmann::json item = {{"id", message.id}, {"kind", message.kind}, {"state", message.state},
                           {"reason", message.reason}, {"purpose", message.purpose}};
    if (message.state != "blocked" && message.state != "cancelled") item["due_at"] = format_iso8601(message.due_at);
    if (message.state == "cancelled") item["reason"] = "cancelled: " + message.reason;  // "cancelled: merged into N" (#16)
    if (message.state == "pending" && message.reason == "quiet hours")
      item["reason"] = "quiet hours until " + format_iso8601(message.due_at);
    waiting.push_back(std::move(item));
  }
  out["outbox"] = std::move(waiting);
  nlohmann::json history = nlohmann::json::array();
  for (const auto& change : lead.stage_history) {
    nlohmann::json item = {{"kind", change.kind}, {"from", or_null(change.from)}, {"to", change.to},
                           {"reason", change.reason}, {"at", format_iso8601(change.at)}};
    if (!change.subject.empty()) item["opportunity"] = change.subject;
    history.push_back(std::move(item));
  }
  out["stage_history"] = std::move(history);
  nlohmann::json fields = nlohmann::json::object();
  for (const CustomField& field : lead.custom_fields)
    fields[field.key] = {{"type", field_type_name(field.value)}, {"value", field_json(field.value)}};
  out["custom_fields"] = std::move(fields);
  nlohmann::json records = nlohmann::json::array();
  for (const auto& record : lead.records) {
    nlohmann::json payload = parse_json(record.payload);
    nlohmann::json origin = nlohmann::json::object();
    const LeadOrigin& o = record.origin;
    for (const auto& [key, value] : {std::pair{"campaign_id", &o.campaign_id}, {"campaign_name", &o.campaign_name},
                                     {"ad_id", &o.ad_id}, {"ad_name", &o.ad_name}, {"adset_id", &o.adset_id},
                                     {"form_id", &o.form_id}, {"lead_type", &o.lead_type}})
      if (!value->empty()) origin[key] = *value;
    records.push_back({{"source", record.source},
                       {"external_id", record.external_id},
                       {"received_at", format_iso8601(record.received_at)},
                       {"origin", std::move(origin)},
                       {"payload", payload.is_discarded() ? nlohmann::json(record.payload) : payload}});
  }
  out["source_records"] = std::move(records);
  // Where each shown value came from: the most recent source record that gave it (a newer
  // delivery's value replaces an older one's; a merge keeps the kept contact's values and
  // fills only its empty fields).
  std::vector<const store::SourceRecord*> newest_first;
  for (const auto& record : lead.records) newest_first.push_back(&record);
  std::stable_sort(newest_first.begin(), newest_first.end(),
                   [](const auto* a, const auto* b) { return a->received_at > b->received_at; });
  std::vector<nlohmann::json> said;
  for (const auto* record : newest_first) {
    nlohmann::json facts = parse_json(record->facts);
    said.push_back(facts.is_object() ? facts : nlohmann::json::object());
  }
  nlohmann::json provenance = nlohmann::json::object();
  for (const auto& [field, value] :
       {std::pair{"first_name", &lead.first_name}, {"last_name", &lead.last_name}, {"full_name", &lead.summary.full_name},
        {"email", &lead.summary.email}, {"phone", &lead.summary.phone}, {"address", &lead.address},
        {"city", &lead.city}, {"state", &lead.state}, {"postal_code", &lead.postal_code}}) {
    if (value->empty()) continue;
    for (size_t i = 0; i < newest_first.size(); ++i) {
      auto given = said[i].find(field);
      if (given == said[i].end() || !given->is_string() || given->get<std::string>() != *value) continue;
      provenance[field] = {{"source", newest_first[i]->source},
                           {"external_id", newest_first[i]->external_id},
                           {"received_at", format_iso8601(newest_first[i]->received_at)},
                           {"rule", i == 0 ? "the most recent source record"
                                         : "newer records gave no value, or a less trusted source (identity.source_trust)"}};
      break;
    }
  }
  out["provenance"] = std::move(provenance);
  nlohmann::json interactions = nlohmann::json::array();
  for (const auto& message : lead.interactions)
    interactions.push_back({{"source", message.source},
                            {"external_id", message.record.external_id},
                            {"direction", direction_name(message.record.direction)},
                            {"channel", message.record.channel},
                            {"body", message.record.body},
                            {"occurred_at", format_iso8601(message.record.occurred_at)}});
  out["interactions"] = std::move(interactions);
  nlohmann::json opportunities = nlohmann::json::array();
  for (const auto& opportunity : lead.opportunities)
    opportunities.push_back({{"source", opportunity.source},
                             {"external_id", opportunity.record.external_id},
                             {"name", opportunity.record.name},
                             {"pipeline_id", opportunity.record.pipeline_id},
                             {"pipeline_stage_id", opportunity.record.pipeline_stage_id},
                             {"outcome", outcome_name(opportunity.record.outcome)},
                             {"value_cents", opportunity.record.value.cents},
                             {"updated_at", format_iso8601(opportunity.updated_at)}});
  out["opportunities"] = std::move(opportunities);
  out["score"] = nullptr;  // filled once the scoring issue lands
  return out;
}

}  // namespace jorge::api
