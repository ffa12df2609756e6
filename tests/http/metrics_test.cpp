#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace jorge::http {

TEST(Metrics, RendersCountersAndHistogramInPrometheusFormat) {
  Metrics metrics;
  metrics.observe_request("/healthz", 200, 0.0007);
  metrics.increment("jorge_webhooks_total", "Deliveries.", {{"source", "ghl"}, {"outcome", "accepted"}}, 2);
  std::string text = metrics.render();
  EXPECT_NE(text.find("# TYPE jorge_webhooks_total counter"), std::string::npos);
  EXPECT_NE(text.find("jorge_webhooks_total{source=\"ghl\",outcome=\"accepted\"} 2"), std::string::npos);
  EXPECT_NE(text.find("jorge_http_requests_total{route=\"/healthz\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(text.find("jorge_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.001\"} 1"), std::string::npos);
  EXPECT_NE(text.find("jorge_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 0"), std::string::npos);
}

}  // namespace jorge::http
