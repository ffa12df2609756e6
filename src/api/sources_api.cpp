#include "api/sources_api.hpp"

#include <map>

#include "core/json_writer.hpp"

namespace jorge::api {

void SourcesApi::add_routes(http::Router& router) {
  router.add("GET", "/api/v1/sources", auth_.guard([this](http::Request&, http::Respond respond) {
    auto summaries = store_.source_summaries();
    if (!summaries.ok()) return respond(http::error_response(summaries.error()));
    std::map<std::string, store::SourceSummary> seen;
    for (auto& summary : *summaries) seen[summary.source] = summary;
    std::map<std::string, SourceCost> costs;
    for (const auto& source : configured_) costs[source.name] = source;
    for (const auto& [name, cost] : costs)
      if (!seen.count(name)) seen[name] = store::SourceSummary{name};
    SystemTime now = clock_.now();
    JsonWriter out;
    out.begin_object().key("sources").begin_array();
    double total_spend = 0;
    int64_t total_leads = 0;
    for (const auto& [name, summary] : seen) {
      auto cost = costs.find(name);
      SourceCost price = cost == costs.end() ? SourceCost{name, name} : cost->second;
      const double spend = analytics::source_spend(price, summary.leads, summary.first_lead_at, now);
      total_spend += spend;
      total_leads += summary.leads;
      out.begin_object();
      out.key("name").value(name).key("kind").value(price.kind.empty() ? name : price.kind);
      out.key("configured").value(cost != costs.end());
      if (!price.campaign.empty()) out.key("campaign").value(price.campaign);
      out.key("leads").value(static_cast<double>(summary.leads), 0);
      out.key("contacts").value(static_cast<double>(summary.contacts), 0);
      if (summary.leads > 0) {
        out.key("first_lead_at").value(format_iso8601(summary.first_lead_at));
        out.key("last_lead_at").value(format_iso8601(summary.last_lead_at));
      }
      out.key("cost_per_lead").value(price.cost_per_lead_cents / 100.0, 2);
      out.key("monthly_spend").value(price.monthly_spend_cents / 100.0, 2);
      out.key("spend").value(spend, 2);
      if (summary.contacts > 0) out.key("spend_per_contact").value(spend / static_cast<double>(summary.contacts), 2);
      out.end_object();
    }
    out.end_array();
    out.key("total_leads").value(static_cast<double>(total_leads), 0);
    out.key("total_spend").value(total_spend, 2);
    out.end_object();
    respond(http::json_response(200, out.take()));
  }));
}

}  // namespace jorge::api
