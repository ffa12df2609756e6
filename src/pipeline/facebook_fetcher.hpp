#pragma once
// Fetches the leads Facebook notified us about (jobs of kind "fetch_facebook_lead") from the
// Graph API and stores each as a contact event, which makes the usual pipeline job. The fetch
// job completes only after the lead is committed, so a Graph outage or a crash loses nothing,
// and the lead's idempotency key ("lead:<id>") means a repeated fetch stores nothing twice.
#include <functional>
#include <optional>
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
                  std::function<queue::JobPlan(const InboundEvent&)> plan);
  // Claims up to `max_jobs` fetches and does them; returns how many were claimed.
  Result<int> run_once(const std::string& worker_id, int max_jobs);

  // Back-fill after an outage longer than Meta's 36 hours of retries: reads a form's leads page
  // by page (GET /{form_id}/leads, following `paging.next`), created after `since` when given,
  // and stores each one not stored yet — the same idempotency key as a notified lead, so a
  // lead already fetched counts as already there. `progress` hears the totals after each page.
  struct BackfillSummary {
    size_t fetched = 0, stored = 0, already_there = 0, unreadable = 0, pages = 0;
  };
  Result<BackfillSummary> backfill_form(const std::string& form_id, std::optional<SystemTime> since,
                                        const std::function<void(const BackfillSummary&)>& progress = {});

 private:
  Status fetch(const queue::Job& job);
  // A Graph error as our error, with the operator's next step logged for token and permissions.
  Error graph_failure(long http_status, const std::string& body) const;

  store::Store& store_;
  queue::JobQueue& jobs_;
  FacebookFetchOptions options_;
  std::function<queue::JobPlan(const InboundEvent&)> plan_;
  std::string url_prefix_;
};

}  // namespace jorge::pipeline
