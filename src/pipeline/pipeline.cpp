#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

namespace jorge::pipeline {
namespace {
constexpr auto kIdlePoll = std::chrono::milliseconds(25);
constexpr int kClaimBatch = 16;
}  // namespace

Pipeline::Pipeline(store::Store& store, queue::JobQueue& jobs, Clock& clock, PipelineOptions options)
    : store_(store),
      jobs_(jobs),
      clock_(clock),
      options_(std::move(options)),
      limiter_(clock, options_.requests_per_10s, std::chrono::seconds(10), std::max(1, options_.requests_per_10s / 10)) {
  if (!options_.report)
    options_.report = [](std::string_view where, const Error& error) {
      spdlog::warn("{}: {}", where, error_code_name(error.code));
    };
  options_.sender.report = options_.report;
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start() {
  for (int i = 0; i < options_.workers; ++i)
    threads_.emplace_back([this, i] {
      Worker worker(store_, jobs_, clock_, options_.first_touch, options_.model, options_.report,
                    options_.bots ? &*options_.bots : nullptr);
      std::string id = options_.instance_id + "-worker-" + std::to_string(i);
      while (!stopping_) {
        const uint64_t seen = jobs_.jobs_notified();
        auto done = worker.run_once(id, kClaimBatch);
        if (!done.ok()) options_.report("worker.claim", done.error());
        if (done.ok() && *done > 0) jobs_.notify_outbox();  // what the jobs queued may be due now
        if (!done.ok() || *done == 0) jobs_.wait_for_jobs(seen, kIdlePoll);
      }
    });
  if (options_.facebook)
    threads_.emplace_back([this] {
      const scoring::ActiveLeadModel* model = options_.model;
      FacebookFetcher fetcher(store_, jobs_, *options_.facebook, [this, model](const InboundEvent& event) {
        return model ? jobs_.plan(scoring::queue_tier(*model->current(), event)) : queue::JobPlan{};
      });
      std::string id = options_.instance_id + "-facebook";
      while (!stopping_) {
        auto done = fetcher.run_once(id, kClaimBatch);
        if (!done.ok()) options_.report("facebook.fetch", done.error());
        if (!done.ok() || *done == 0) std::this_thread::sleep_for(kIdlePoll * 4);
      }
    });
  for (const EmailPollOptions& mailbox : options_.mailboxes)
    threads_.emplace_back([this, mailbox] {
      const scoring::ActiveLeadModel* model = options_.model;
      EmailPoller poller(store_, clock_, mailbox, [this, model](const InboundEvent& event) {
        return model ? jobs_.plan(scoring::queue_tier(*model->current(), event)) : queue::JobPlan{};
      });
      while (!stopping_) {
        auto imported = poller.run_once();
        if (!imported.ok()) spdlog::warn("email source={}: {}", mailbox.source, imported.error().message);
        else if (*imported > 0) spdlog::info("email source={}: {} new lead e-mails", mailbox.source, *imported);
        poller.wait(stopping_);
      }
    });
  if (!options_.send) {
    spdlog::warn("ghl.api_token is not set: texts wait in the outbox until it is");
    return;
  }
  threads_.emplace_back([this] {
    crm::GhlClient ghl(options_.ghl);  // one connection, reused
    OutboxSender sender(store_, clock_, ghl, limiter_, jobs_, options_.sender);
    std::string id = options_.instance_id + "-sender";
    while (!stopping_) {
      const uint64_t seen = jobs_.outbox_notified();
      auto done = sender.run_once(id, kClaimBatch);
      if (!done.ok()) options_.report("sender.claim", done.error());
      if (!done.ok() || *done == 0) jobs_.wait_for_outbox(seen, kIdlePoll);
    }
  });
}

void Pipeline::stop() {
  stopping_ = true;
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace jorge::pipeline
