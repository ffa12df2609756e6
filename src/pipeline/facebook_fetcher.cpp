#include "pipeline/facebook_fetcher.hpp"

#include <spdlog/spdlog.h>

#include "crm/http_client.hpp"
#include "ingest/facebook/facebook_webhook.hpp"

namespace jorge::pipeline {

FacebookFetcher::FacebookFetcher(store::Store& store, queue::JobQueue& jobs, FacebookFetchOptions options,
                                 std::function<store::JobPlan(const InboundEvent&)> plan)
    : store_(store), jobs_(jobs), options_(std::move(options)), plan_(std::move(plan)) {
  url_prefix_ = options_.graph_base_url;
  while (!url_prefix_.empty() && url_prefix_.back() == '/') url_prefix_.pop_back();
  url_prefix_ += "/" + options_.graph_version + "/";
}

Result<int> FacebookFetcher::run_once(const std::string& worker_id, int max_jobs) {
  JORGE_TRY(std::vector<store::Job> claimed, jobs_.claim(worker_id, max_jobs, ingest::kFetchFacebookLeadJob));
  for (const store::Job& job : claimed) {
    Status fetched = fetch(job);
    Status settled = fetched.ok() ? jobs_.complete(job, worker_id) : jobs_.fail(job, worker_id, fetched.error());
    if (!fetched.ok())
      spdlog::warn("facebook fetch job={} attempt={}: {}", job.id, job.attempts, fetched.error().message);
    if (!settled.ok()) spdlog::warn("facebook fetch job={}: {}", job.id, settled.error().message);
  }
  return static_cast<int>(claimed.size());
}

Status FacebookFetcher::fetch(const store::Job& job) {
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
  if (reply.status != 200) {
    ingest::GraphError error = ingest::classify_graph_error(static_cast<int>(reply.status), reply.body);
    std::string what = "Graph API answered " + std::to_string(reply.status) + " code " + std::to_string(error.code) +
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
        return Error{ErrorCode::kInvalidArgument, what};
    }
  }
  JORGE_TRY(InboundEvent event, ingest::parse_graph_lead(reply.body, options_.field_map));
  if (!event.contact->phone && event.contact->email.empty())
    spdlog::warn("facebook lead job={}: neither phone nor e-mail; stored without a way to text it", job.id);
  store::JobPlan plan = plan_ ? plan_(event) : store::JobPlan{};
  JORGE_TRY(store::IngestOutcome stored, store_.ingest(std::move(event), std::move(reply.body), plan));
  (void)stored;
  return ok_status();
}

}  // namespace jorge::pipeline
