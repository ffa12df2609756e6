#include "api/health.hpp"

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
    respond(http::Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}});
  });
}

}  // namespace jorge::api
