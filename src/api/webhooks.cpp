#include "api/webhooks.hpp"

#include <spdlog/spdlog.h>

#include "core/json_writer.hpp"
#include "ingest/facebook/facebook_webhook.hpp"

#include <atomic>
#include <mutex>

namespace jorge::api {

Webhooks::Webhooks(std::vector<std::unique_ptr<ingest::SourceAdapter>> adapters, store::Store& store,
                   const queue::JobQueue& jobs, http::Metrics& metrics, const scoring::ActiveLeadModel& model,
                   Clock& clock)
    : adapters_(std::move(adapters)), store_(store), jobs_(jobs), metrics_(metrics), model_(model), clock_(clock) {}

void Webhooks::add_routes(http::Router& router) {
  router.add("POST", "/webhooks/{source}", [this](http::Request& request, http::Respond respond) {
    receive(request, std::move(respond));
  });
}

void Webhooks::add_facebook_verification(http::Router& router, std::string verify_token) {
  router.add("GET", "/webhooks/facebook", [this, verify_token](http::Request& request, http::Respond respond) {
    auto challenge = ingest::verification_challenge(request.query_param("hub.mode"), request.query_param("hub.verify_token"),
                                                    request.query_param("hub.challenge"), verify_token);
    if (!challenge) {
      count("facebook", "verification_refused");
      warn_refused("facebook", "verification_refused", request.request_id,
                   Error{ErrorCode::kUnauthenticated, "mode or verify token wrong"});
      return respond(http::json_error(403, "forbidden", "hub.mode must be subscribe and hub.verify_token must match "
                                                        "sources.facebook.verify_token"));
    }
    count("facebook", "verified");
    http::Response answer;
    answer.content_type = "text/plain";
    answer.body = *challenge;
    respond(std::move(answer));
  });
}

void Webhooks::warn_refused(std::string_view source, std::string_view outcome, const std::string& request_id,
                            const Error& error) {
  uint64_t suppressed = 0;
  if (!refusals_log_.admit(std::string(source) + "/" + std::string(outcome), clock_.monotonic_now(), suppressed)) return;
  spdlog::warn("webhook source={} request_id={} {}: {} ({} similar lines left out before this one)", source, request_id,
               outcome, error_code_name(error.code), suppressed);
}

void Webhooks::count(std::string_view source, std::string_view outcome) {
  metrics_.increment("jorge_webhooks_total", "Webhook deliveries by source and outcome.",
                     {{"source", std::string(source)}, {"outcome", std::string(outcome)}});
}

namespace {

// Joins the outcomes of the events in one delivery: 200 once all are durable, 429 if any is not.
struct DeliveryOutcome {
  std::mutex mutex;
  size_t remaining = 0;
  bool failed = false;
  bool all_duplicate = true;
  bool any_unrecognised = false;
  bool any_unprocessable = false;
  std::vector<int64_t> event_ids;
  std::string failure;
  std::string lead_id;  // a portal's lead id, echoed in the answer
};

}  // namespace

void Webhooks::receive(http::Request& request, http::Respond respond) {
  std::string_view source_name = request.path_param("source");
  const ingest::SourceAdapter* adapter = nullptr;
  for (const auto& candidate : adapters_)
    if (candidate->name() == source_name) adapter = candidate.get();
  if (!adapter) return respond(http::json_error(404, "unknown_source", "no webhook source with this name"));
  const std::string source(adapter->name());

  ingest::WebhookRequest delivery{request.headers, request.body};
  if (Status verified = adapter->verify(delivery); !verified.ok()) {
    count(source, "rejected_signature");
    warn_refused(source, "rejected_signature", request.request_id, verified.error());
    return respond(http::error_response(verified.error()));
  }
  auto parsed = adapter->parse(request.body);
  if (!parsed.ok()) {
    count(source, "rejected_invalid");
    warn_refused(source, "rejected_invalid", request.request_id, parsed.error());
    return respond(http::error_response(parsed.error()));
  }
  std::vector<InboundEvent> events = std::move(parsed).value();
  if (events.empty()) {
    count(source, "empty");
    return respond(http::json_response(200, R"({"status":"ignored","events":[]})"));
  }
  auto outcome = std::make_shared<DeliveryOutcome>();
  outcome->remaining = events.size();
  if (events.size() == 1 && events.front().event_type == "lead") outcome->lead_id = events.front().idempotency_key;
  auto body = std::make_shared<const std::string>(std::move(request.body));
  std::string request_id = request.request_id;
  for (InboundEvent& event : events) {
    bool recognised = event.recognised;
    // A quick score decides how soon the pipeline takes the lead up (hot first).
    // A fetch (the lead is not here yet) runs at once; what it fetches gets its own tier.
    queue::JobPlan plan = event.contact ? jobs_.plan(scoring::queue_tier(*model_.current(), event))
                                        : queue::JobPlan{0, {}};
    // #15: SMS DND is set or cleared only by what GoHighLevel says explicitly; each such say is
    // logged with the contact's id (no personal data) once it is stored.
    std::optional<bool> dnd = event.contact ? event.contact->do_not_disturb : std::nullopt;
    store_.ingest_async(std::move(event), *body, plan,
                        [this, outcome, respond, source, request_id, recognised, dnd](Result<store::IngestOutcome> stored) {
      if (stored.ok() && dnd && !stored->duplicate && stored->contact_id)
        spdlog::info("webhook source={} request_id={} contact={} SMS do-not-disturb {}", source, request_id,
                     *stored->contact_id, *dnd ? "set" : "cleared");
      std::lock_guard lock(outcome->mutex);
      if (!stored.ok()) {
        outcome->failed = true;
        outcome->failure = stored.error().message;
      } else {
        outcome->all_duplicate = outcome->all_duplicate && stored->duplicate;
        outcome->any_unrecognised = outcome->any_unrecognised || (!recognised && !stored->duplicate);
        outcome->any_unprocessable = outcome->any_unprocessable || stored->unprocessable;
        outcome->event_ids.push_back(stored->event_id);
      }
      if (--outcome->remaining > 0) return;
      if (outcome->failed) {
        count(source, "retry_later");
        spdlog::warn("webhook source={} request_id={} not stored, answered 429: {}", source, request_id,
                     outcome->failure);
        http::Response busy = http::json_error(429, "unavailable", "cannot store the delivery right now; send it again");
        busy.headers.emplace_back("Retry-After", "10");
        return respond(std::move(busy));
      }
      if (outcome->any_unrecognised) {
        count(source, "unknown_type");
        // The type's name comes from the body: not logged (#14); the count is in /metrics.
        spdlog::info("webhook source={} request_id={} stored an event of a type Jorge does not handle", source,
                     request_id);
      }
      if (outcome->any_unprocessable) {
        // #17: stored as it came and answered 200, so the source stops retrying what can never
        // be stored; a person looks at it (jorge_webhooks_total{outcome="unprocessable"}).
        spdlog::warn("webhook source={} request_id={} kept as sent but not processable; see raw_events.unprocessable",
                     source, request_id);
      }
      if (!outcome->all_duplicate) jobs_.notify_jobs();  // a worker takes the new job now, not at its next poll
      const char* status = outcome->any_unprocessable ? "unprocessable"
                           : outcome->all_duplicate   ? "duplicate"
                                                      : "accepted";
      count(source, status);
      JsonWriter answer;
      answer.begin_object().key("status").value(status);
      if (!outcome->lead_id.empty()) answer.key("lead_id").value(outcome->lead_id);
      answer.key("events").begin_array();
      for (int64_t id : outcome->event_ids) answer.value(static_cast<double>(id), 0);
      answer.end_array().end_object();
      respond(http::json_response(200, answer.take()));
    });
  }
}

}  // namespace jorge::api
