#pragma once
// POST /webhooks/{source}: verify the signature over the raw body, parse, store in one
// transaction, and only then answer 200. When the store cannot commit, answer 429 so the
// source delivers again (GoHighLevel retries on 429 only).
#include <memory>
#include <vector>

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
           const queue::JobQueue& jobs, http::Metrics& metrics, const scoring::ActiveLeadModel& model);
  void add_routes(http::Router& router);
  // GET /webhooks/facebook: Meta's subscription handshake with sources.facebook.verify_token.
  void add_facebook_verification(http::Router& router, std::string verify_token);

 private:
  void receive(http::Request& request, http::Respond respond);
  void count(std::string_view source, std::string_view outcome);

  std::vector<std::unique_ptr<ingest::SourceAdapter>> adapters_;
  store::Store& store_;
  const queue::JobQueue& jobs_;
  http::Metrics& metrics_;
  const scoring::ActiveLeadModel& model_;
};

}  // namespace jorge::api
