#include "pipeline/facebook_fetcher.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "core/json_parse.hpp"
#include "crm/http_client.hpp"
#include "ingest/facebook/facebook_webhook.hpp"

namespace jorge::pipeline {

FacebookFetcher::FacebookFetcher(store::Store& store, queue::JobQueue& jobs, FacebookFetchOptions options,
                                 std::function<queue::JobPlan(const InboundEvent&)> plan)
    : store_(store), jobs_(jobs), options_(std::move(options)), plan_(std::move(plan)) {
  url_prefix_ = options_.graph_base_url;
  while (!url_prefix_.empty() && url_prefix_.back() == '/') url_prefix_.pop_back();
  url_prefix_ += "/" + options_.graph_version + "/";
}

Result<int> FacebookFetcher::run_once(const std::string& worker_id, int max_jobs) {
  JORGE_TRY(std::vector<queue::Job> claimed, jobs_.claim(worker_id, max_jobs, JobKind::kFetchFacebookLead));
  for (const queue::Job& job : claimed) {
    Status fetched = fetch(job);
    Status settled = fetched.ok() ? jobs_.complete(job, worker_id) : jobs_.fail(job, worker_id, fetched.error());
    if (!fetched.ok())
      spdlog::warn("facebook fetch job={} attempt={}: {}", job.id, job.attempts, fetched.error().message);
    if (!settled.ok()) spdlog::warn("facebook fetch job={}: {}", job.id, settled.error().message);
  }
  return static_cast<int>(claimed.size());
}

Error FacebookFetcher::graph_failure(long http_status, const std::string& body) const {
  ingest::GraphError error = ingest::classify_graph_error(static_cast<int>(http_status), body);
  std::string what = "Graph API answered " + std::to_string(http_status) + " code " + std::to_string(error.code) +
                     ": " + error.message;
  switch (error.failure) {
    case ingest::GraphFailure::kRetry:
    case ingest::GraphFailure::kThrottled:
      return Error{ErrorCode::kUnavailable, what};
    case ingest::GraphFailure::kTokenBroken:
      spdlog::error("facebook: the page access token was refused ({}); replace sources.facebook.page_access_token, "
                    "then retry the dead jobs (POST /api/v1/queue/dead/jobs/{{id}}/retry)",
                    error.message);
      return Error{ErrorCode::kFailedPrecondition, what};
    case ingest::GraphFailure::kPermission:
      spdlog::error("facebook: a permission is missing ({}); the page token needs leads_retrieval", error.message);
      return Error{ErrorCode::kFailedPrecondition, what};
    case ingest::GraphFailure::kNotFound:
      break;
  }
  return Error{ErrorCode::kInvalidArgument, what};
}

Result<FacebookFetcher::BackfillSummary> FacebookFetcher::backfill_form(
    const std::string& form_id, std::optional<SystemTime> since,
    const std::function<void(const BackfillSummary&)>& progress) {
  if (options_.page_access_token.empty())
    return Error{ErrorCode::kFailedPrecondition, "sources.facebook.page_access_token is not set"};
  if (form_id.empty() || !std::all_of(form_id.begin(), form_id.end(), [](unsigned char c) { return std::isdigit(c); }))
    return Error{ErrorCode::kInvalidArgument, "the form id must be the number Facebook shows (Lead Ads Forms)"};
  std::string url = url_prefix_ + form_id + "/leads?limit=100&fields=" + std::string(ingest::kGraphLeadFields);
  if (since) {
    const int64_t seconds = to_unix_millis(*since) / 1000;
    url += "&filtering=" + crm::query_escape(R"([{"field":"time_created","operator":"GREATER_THAN","value":)" +
                                       std::to_string(seconds) + "}]");
  }
  crm::HttpClient http;
  BackfillSummary summary;
  while (!url.empty()) {
    // Throttling and transient errors wait and try again (1, 2, 4, 8 s); anything else stops.
    crm::HttpReply reply;
    for (int attempt = 0;; ++attempt) {
      JORGE_TRY(reply, http.request("GET", url, {{"Authorization", "Bearer " + options_.page_access_token}}, {},
                                    options_.timeout_ms));
      if (reply.status == 200) break;
      Error failed = graph_failure(reply.status, reply.body);
      if (failed.code != ErrorCode::kUnavailable || attempt == 4) return failed;
      std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
    }
    auto page = parse_json(reply.body);
    if (!page.is_object() || !page.contains("data") || !page["data"].is_array())
      return Error{ErrorCode::kInvalidArgument, "Graph API answered a page without a \"data\" list"};
    ++summary.pages;
    for (const auto& lead : page["data"]) {
      ++summary.fetched;
      std::string body = lead.dump();
      auto event = ingest::parse_graph_lead(body, options_.field_map);
      if (!event.ok()) {
        ++summary.unreadable;
        spdlog::warn("facebook back-fill: a lead of form {} is unreadable: {}", form_id, event.error().message);
        continue;
      }
      if (since && event->occurred_at <= *since) continue;  // the filter is Graph's; checked again here
      queue::JobPlan plan = plan_ ? plan_(*event) : queue::JobPlan{};
      JORGE_TRY(store::IngestOutcome stored, store_.ingest(std::move(event).value(), std::move(body), plan));
      ++(stored.duplicate ? summary.already_there : summary.stored);
    }
    if (progress) progress(summary);
    // Follow `paging.next` only back to the Graph API we were configured with: it is where our token goes.
    url.clear();
    if (page.contains("paging") && page["paging"].is_object() && page["paging"].contains("next") &&
        page["paging"]["next"].is_string() && !page["data"].empty()) {
      std::string next = page["paging"]["next"].get<std::string>();
      if (next.rfind(url_prefix_, 0) == 0) url = next;
      else spdlog::warn("facebook back-fill: the next page is not on {}; stopped there", url_prefix_);
    }
  }
  return summary;
}

Status FacebookFetcher::fetch(const queue::Job& job) {
  if (options_.page_access_token.empty())
    return Error{ErrorCode::kUnavailable, "sources.facebook.page_access_token is not set: the lead waits until it is"};
  JORGE_TRY(std::string leadgen_id, store_.event_key(job.raw_event_id));
  for (char c : leadgen_id)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return Error{ErrorCode::kInvalidArgument, "leadgen id is not numeric"};
  thread_local crm::HttpClient http;
  std::string url = url_prefix_ + leadgen_id + "?fields=" + std::string(ingest::kGraphLeadFields);
  JORGE_TRY(crm::HttpReply reply,
            http.request("GET", url, {{"Authorization", "Bearer " + options_.page_access_token}}, {},
                         options_.timeout_ms));
  if (reply.status != 200) return graph_failure(reply.status, reply.body);
  JORGE_TRY(InboundEvent event, ingest::parse_graph_lead(reply.body, options_.field_map));
  if (!event.contact->phone && event.contact->email.empty())
    spdlog::warn("facebook lead job={}: neither phone nor e-mail; stored without a way to text it", job.id);
  queue::JobPlan plan = plan_ ? plan_(event) : queue::JobPlan{};
  JORGE_TRY(store::IngestOutcome stored, store_.ingest(std::move(event), std::move(reply.body), plan));
  (void)stored;
  return ok_status();
}

}  // namespace jorge::pipeline
