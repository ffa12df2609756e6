#pragma once
// /healthz (the process answers), /readyz (database reachable, migrations current),
// /metrics (Prometheus text).
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace jorge::api {

void add_health_routes(http::Router& router, store::Store& store, http::Metrics& metrics);

}  // namespace jorge::api
