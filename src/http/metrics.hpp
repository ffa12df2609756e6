#pragma once
// Counters and the request-latency histogram, rendered in the Prometheus text format
// (version 0.0.4) at /metrics. Thread-safe.
#include <array>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jorge::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // `name` should end in _total; `help` is shown once per family.
  void increment(std::string_view name, std::string_view help, const Labels& labels, double by = 1);
  // A value that goes up and down (drift, sizes): the latest one set is shown.
  void set_gauge(std::string_view name, std::string_view help, const Labels& labels, double value);
  // A histogram counted elsewhere (the store): cumulative counts for each upper bound, then the
  // count and sum of every observation. The latest one set is shown.
  struct Counted {
    std::vector<std::pair<double, uint64_t>> buckets;  // (le, observations <= le), rising
    uint64_t count = 0;
    double sum = 0;
  };
  void set_histogram(std::string_view name, std::string_view help, const Counted& counted);
  // Requests by route and status, and the latency histogram by route.
  void observe_request(std::string_view route, int status, double seconds);
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Family {
    std::string help;
    std::map<std::string, double> values;  // rendered label set -> value
  };
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
    std::map<int, uint64_t> by_status;  // jorge_http_requests_total, kept here: no label strings per request
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> counters_;
  std::map<std::string, Family, std::less<>> gauges_;
  std::map<std::string, Histogram, std::less<>> latency_;  // by route
  std::map<std::string, std::pair<std::string, Counted>, std::less<>> counted_;  // name -> (help, counts)
};

}  // namespace jorge::http
