#pragma once
// The background half of `jorge serve`: worker threads that turn jobs into outbox rows, and
// one sender thread that delivers the outbox to GoHighLevel. Idle threads poll every 25 ms
// (a claim is one indexed query). stop() lets each thread finish what it holds, then joins.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <optional>

#include "pipeline/email_poller.hpp"
#include "pipeline/facebook_fetcher.hpp"
#include "pipeline/outbox_sender.hpp"
#include "pipeline/bot_turn.hpp"
#include "pipeline/worker.hpp"
#include "scoring/active_model.hpp"

namespace jorge::pipeline {

struct PipelineOptions {
  int workers = 2;
  std::string instance_id;  // prefix of lease owners: host and pid
  bool send = true;         // false: no GoHighLevel token, messages wait in the outbox
  crm::GhlClientOptions ghl;
  SenderOptions sender;
  int requests_per_10s = 100;
  bots::FirstTouchTemplates first_touch;
  const scoring::ActiveLeadModel* model = nullptr;  // scores each lead as its job runs
  std::optional<BotOptions> bots;                   // the Lead and Seller Bots answer texts (#19)
  std::optional<FacebookFetchOptions> facebook;     // a thread fetching notified Facebook leads
  std::vector<EmailPollOptions> mailboxes;          // a thread reading each lead mailbox
  ErrorReporter report;                             // every background error (default: a log line)
};

class Pipeline {
 public:
  Pipeline(store::Store& store, queue::JobQueue& jobs, Clock& clock, PipelineOptions options);
  ~Pipeline();
  void start();
  void stop();

 private:
  store::Store& store_;
  queue::JobQueue& jobs_;
  Clock& clock_;
  PipelineOptions options_;
  crm::RateLimiter limiter_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace jorge::pipeline
