#include "api/health.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace jorge::api {

void add_health_routes(http::Router& router, store::Store& store, http::Metrics& metrics) {
  router.add("GET", "/healthz", [](http::Request&, http::Respond respond) {
    respond(http::json_response(200, R"({"status":"ok"})"));
  });
  router.add("GET", "/readyz", [&store](http::Request&, http::Respond respond) {
    Status ready = store.check_ready();
    if (!ready.ok()) return respond(http::json_error(503, error_code_name(ready.error().code), ready.error().message));
    respond(http::json_response(200, R"({"status":"ready"})"));
  });
  router.add("GET", "/metrics", [&metrics, &store](http::Request&, http::Respond respond) {
    // Held and stopped texts by rule, read from the outbox at each scrape: every instance
    // reports the same truth, whichever path (webhook, sender, merge) held them (#15).
    // (The window of completed jobs is not wanted here: an empty one, a minute from now.)
    if (auto counts = store.queue_counts(std::chrono::system_clock::now() + std::chrono::minutes(1)); counts.ok())
      for (const char* rule : {"opted_out", "dnd", "quiet_hours", "florida_limit", "time_zone_unknown",
                               "no_common_window", "merged_duplicate"}) {
        auto found = counts->outbox_held_by_rule.find(rule);
        metrics.set_gauge("jorge_outbox_held_messages", "Automated texts held or stopped, by the rule that did it.",
                          {{"rule", rule}}, found == counts->outbox_held_by_rule.end() ? 0.0 : double(found->second));
      }
    // The bots (#19): turns by kind, handoffs, replies and follow-ups, opt-outs, reply latency.
    if (auto bots = store.bot_activity(); bots.ok()) {
      for (const char* kind : {"turn", "sleep", "pause", "resume", "cap", "booking", "appointment"}) {
        auto found = bots->turns.find(kind);
        metrics.set_gauge("jorge_bot_turns", "What the bots did, by kind: turns taken, sleeps after a person wrote, "
                          "pauses, resumes, message caps reached, booking outcomes, appointments from GoHighLevel.",
                          {{"kind", kind}}, found == bots->turns.end() ? 0.0 : double(found->second));
      }
      metrics.set_gauge("jorge_bot_handoffs", "Turns that handed the lead to a person.", {}, double(bots->handoffs));
      metrics.set_gauge("jorge_bot_bookings", "Calls the bot booked on the team's calendar.", {}, double(bots->bookings));
      for (auto [state, count] : {std::pair{"sent", bots->replies_sent}, std::pair{"waiting", bots->replies_waiting},
                                  std::pair{"superseded", bots->replies_superseded}})
        metrics.set_gauge("jorge_bot_replies", "The bots' replies, by state (superseded: a newer message came first).",
                          {{"state", state}}, double(count));
      metrics.set_gauge("jorge_bot_follow_ups_sent", "Follow-ups sent on the cadence.", {}, double(bots->follow_ups_sent));
      metrics.set_gauge("jorge_opted_out_numbers", "Phone numbers that opted out of texts.", {}, double(bots->opted_out_numbers));
      std::vector<double> latency = bots->reply_latency_seconds;
      std::sort(latency.begin(), latency.end());
      for (auto [label, q] : {std::pair{"0.5", 0.5}, std::pair{"0.9", 0.9}, std::pair{"0.99", 0.99}})
        metrics.set_gauge("jorge_bot_reply_latency_seconds",
                          "Webhook stored to reply accepted by GoHighLevel, over the last 1,000 replies (reply delay included).",
                          {{"quantile", label}},
                          latency.empty() ? 0.0 : latency[std::min(latency.size() - 1, size_t(q * double(latency.size())))]);
      http::Metrics::Counted counted;
      for (const auto& [le, observed] : bots->reply_latency_buckets) counted.buckets.emplace_back(le, uint64_t(observed));
      counted.count = uint64_t(bots->reply_latency_count);
      counted.sum = bots->reply_latency_sum;
      metrics.set_histogram("jorge_bot_reply_latency_histogram_seconds",
                            "Webhook stored to reply accepted by GoHighLevel, every reply sent (reply delay included).",
                            counted);
    }
    respond(http::Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}});
  });
}

}  // namespace jorge::api
