#pragma once
// POST /webhooks/{source}: verify the signature over the raw body, parse, store in one
// transaction, and only then answer 200. When the store cannot commit, answer 429 so the
// source delivers again (GoHighLevel retries on 429 only).
#include <memory>
#include <vector>

#include "core/clock.hpp"
#include "core/log_throttle.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "ingest/source_adapter.hpp"
#include "queue/job_queue.hpp"
#include "scoring/active_model.hpp"
#include "store/store.hpp"

namespace jorge::api {

class Webhooks {
 public:
  Webhooks(std::vector<std::unique_ptr<ingest::SourceAdapter>> adapters, store::Store& store,
           const queue::JobQueue& jobs, http::Metrics& metrics, const scoring::ActiveLeadModel& model, Clock& clock);
  void add_routes(http::Router& router);
  // GET /webhooks/facebook: Meta's subscription handshake with sources.facebook.verify_token.
  void add_facebook_verification(http::Router& router, std::string verify_token);

 private:
  void receive(http::Request& request, http::Respond respond);
  void count(std::string_view source, std::string_view outcome);
  // One warning line for a refused delivery: what was refused and why by code only (a body's
  // names and values never reach the log, #14), throttled per source and outcome.
  void warn_refused(std::string_view source, std::string_view outcome, const std::string& request_id,
                    const Error& error);

  std::vector<std::unique_ptr<ingest::SourceAdapter>> adapters_;
  store::Store& store_;
  const queue::JobQueue& jobs_;
  http::Metrics& metrics_;
  const scoring::ActiveLeadModel& model_;
  Clock& clock_;
  LogThrottle refusals_log_;
};

}  // namespace jorge::api
