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
  router.add("GET", "/metrics", [&metrics](http::Request&, http::Respond respond) {
    respond(http::Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}});
  });
}

}  // namespace jorge::api
