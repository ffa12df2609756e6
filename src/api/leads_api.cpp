#include "api/leads_api.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <random>

#include "api/leads_json.hpp"
#include "core/json_parse.hpp"
#include "ingest/manual/manual_lead.hpp"

namespace jorge::api {
namespace {

constexpr int kMaxPageSize = 500;

// 128 random bits as hex: a key no retry will ever repeat.
std::string random_token() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char text[40];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return text;
}

bool parse_int(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

Result<store::LeadFilter> filter_from(const http::Request& request) {
  store::LeadFilter filter;
  filter.source = request.query_param("source");
  if (std::string stage = request.query_param("stage"); !stage.empty()) {
    filter.stage = parse_stage(stage);
    if (!filter.stage)
      return Error{ErrorCode::kInvalidArgument,
                   "stage: expected one of new, engaged, opportunity, won, lost, abandoned"};
  }
  if (std::string since = request.query_param("updated_since"); !since.empty()) {
    SystemTime time;
    if (!parse_iso8601(since, time))
      return Error{ErrorCode::kInvalidArgument, "updated_since: expected an ISO-8601 time like 2026-11-20T15:00:00Z"};
    filter.updated_since = time;
  }
  if (std::string cursor = request.query_param("cursor"); !cursor.empty()) {
    if (!parse_int(cursor, filter.after_id) || filter.after_id < 0)
      return Error{ErrorCode::kInvalidArgument, "cursor: pass back the next_cursor of the previous page"};
  }
  if (std::string limit = request.query_param("limit"); !limit.empty()) {
    int64_t value = 0;
    if (!parse_int(limit, value) || value < 1 || value > kMaxPageSize)
      return Error{ErrorCode::kInvalidArgument, "limit: expected 1 to 500"};
    filter.limit = static_cast<int>(value);
  }
  return filter;
}

}  // namespace

void LeadsApi::add_routes(http::Router& router) {
  auto guarded = [this](void (LeadsApi::*handler)(http::Request&, http::Respond)) {
    return auth_.guard([this, handler](http::Request& request, http::Respond respond) {
      (this->*handler)(request, std::move(respond));
    });
  };
  router.add("GET", "/api/v1/leads", guarded(&LeadsApi::list));
  router.add("POST", "/api/v1/leads", guarded(&LeadsApi::create));
  router.add("GET", "/api/v1/leads/{id}", guarded(&LeadsApi::get));
}

void LeadsApi::list(http::Request& request, http::Respond respond) {
  auto filter = filter_from(request);
  if (!filter.ok()) return respond(http::error_response(filter.error()));
  auto page = store_.list_leads(*filter);
  if (!page.ok()) return respond(http::error_response(page.error()));
  nlohmann::json leads = nlohmann::json::array();
  for (const auto& lead : page->leads) leads.push_back(lead_summary_json(lead));
  nlohmann::json body = {{"leads", std::move(leads)},
                         {"next_cursor", page->next_after_id ? nlohmann::json(std::to_string(*page->next_after_id))
                                                             : nlohmann::json()}};
  respond(http::json_response(200, body.dump()));
}

void LeadsApi::get(http::Request& request, http::Respond respond) {
  const auto found = request.path_id("id");
  if (!found) return respond(http::json_error(400, "invalid_argument", "lead id must be a positive number"));
  const int64_t id = *found;
  auto lead = store_.get_lead(id);
  if (!lead.ok()) return respond(http::error_response(lead.error()));
  nlohmann::json body = lead_detail_json(*lead);
  // The latest score and why, as the pipeline gave it (null until the lead's job has run).
  auto score = store_.latest_lead_score(id);
  if (!score.ok()) return respond(http::error_response(score.error()));
  body["score"] = nullptr;
  if (score->has_value()) {
    const store::LeadScoreRecord& latest = **score;
    body["score"] = {{"score", latest.score},
                     {"predicted_quality", latest.quality},
                     {"model_version", latest.model_version},
                     {"scored_at", format_iso8601(latest.scored_at)},
                     {"reasons", parse_json(latest.reasons_json)}};
  }
  respond(http::json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

void LeadsApi::create(http::Request& request, http::Respond respond) {
  auto event = ingest::parse_manual_lead(request.body);
  if (!event.ok()) return respond(http::error_response(event.error()));
  std::string_view key = request.header("idempotency-key");
  if (key.size() > 200)
    return respond(http::json_error(400, "invalid_argument", "Idempotency-Key: at most 200 characters"));
  // Without a key every POST is a new delivery; with one, a retry finds the first.
  event->idempotency_key = key.empty() ? "once:" + random_token() : "key:" + std::string(key);
  queue::JobPlan plan = jobs_.plan(scoring::queue_tier(*model_.current(), *event));
  store_.ingest_async(std::move(event).value(), request.body, plan, [respond](Result<store::IngestOutcome> stored) {
    if (!stored.ok()) {
      http::Response busy = http::error_response(stored.error());
      if (busy.status == 503) busy.status = 429;
      busy.headers.emplace_back("Retry-After", "1");
      return respond(std::move(busy));
    }
    if (stored->unprocessable)  // kept as sent; sending it again cannot help
      return respond(http::json_error(422, "unprocessable",
                                      "the lead could not be stored as a lead; it was kept as sent for a person to look at"));
    nlohmann::json body = {{"id", stored->contact_id ? nlohmann::json(*stored->contact_id) : nlohmann::json()},
                           {"duplicate", stored->duplicate}};
    respond(http::json_response(stored->duplicate ? 200 : 201, body.dump()));
  });
}

}  // namespace jorge::api
