#pragma once
// Fetches the leads Facebook notified us about (jobs of kind "fetch_facebook_lead") from the
// Graph API and stores each as a contact event, which makes the usual pipeline job. The fetch
// job completes only after the lead is committed, so a Graph outage or a crash loses nothing,
// and the lead's idempotency key ("lead:<id>") means a repeated fetch stores nothing twice.
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "ingest/facebook/graph_lead.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

struct FacebookFetchOptions {
  std::string graph_base_url = "https://graph.facebook.com";  // sources.facebook.graph_base_url
  std::string graph_version = "v21.0";                        // sources.facebook.graph_version
  std::string page_access_token;                              // sources.facebook.page_access_token
  ingest::FormFieldMap field_map;                             // sources.facebook.map.<question>
  long timeout_ms = 10'000;
};

class FacebookFetcher {
 public:
  // `plan` gives the pipeline job's priority for a fetched lead (its quick score).
  FacebookFetcher(store::Store& store, queue::JobQueue& jobs, FacebookFetchOptions options,
                  std::function<store::JobPlan(const InboundEvent&)> plan);
  // Claims up to `max_jobs` fetches and does them; returns how many were claimed.
  Result<int> run_once(const std::string& worker_id, int max_jobs);

 private:
  Status fetch(const store::Job& job);

  store::Store& store_;
  queue::JobQueue& jobs_;
  FacebookFetchOptions options_;
  std::function<store::JobPlan(const InboundEvent&)> plan_;
  std::string url_prefix_;
};

}  // namespace jorge::pipeline
