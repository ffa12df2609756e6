#include "http/metrics.hpp"

#include <cstdio>

namespace jorge::http {
namespace {

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') { out += "\\n"; continue; }
    out.push_back(c);
  }
  return out;
}

std::string render_labels(const Labels& labels) {
  std::string out;
  for (const auto& [key, value] : labels) {
    out += out.empty() ? "{" : ",";
    out += key + "=\"" + escape_label(value) + "\"";
  }
  return out.empty() ? out : out + "}";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

}  // namespace

void Metrics::increment(std::string_view name, std::string_view help, const Labels& labels, double by) {
  std::string key = render_labels(labels);
  std::lock_guard lock(mutex_);
  auto family = counters_.find(name);
  if (family == counters_.end()) family = counters_.emplace(std::string(name), Family{std::string(help), {}}).first;
  family->second.values[key] += by;
}

void Metrics::set_gauge(std::string_view name, std::string_view help, const Labels& labels, double value) {
  std::string key = render_labels(labels);
  std::lock_guard lock(mutex_);
  auto family = gauges_.find(name);
  if (family == gauges_.end()) family = gauges_.emplace(std::string(name), Family{std::string(help), {}}).first;
  family->second.values[key] = value;
}

void Metrics::set_histogram(std::string_view name, std::string_view help, const Counted& counted) {
  std::lock_guard lock(mutex_);
  counted_[std::string(name)] = {std::string(help), counted};
}

void Metrics::observe_request(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  auto found = latency_.find(route);
  if (found == latency_.end()) found = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& histogram = found->second;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  ++histogram.count;
  histogram.sum += seconds;
  ++histogram.by_status[status];
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  const std::string requests = "jorge_http_requests_total";
  out += "# HELP " + requests + " HTTP requests by route and status.\n# TYPE " + requests + " counter\n";
  for (const auto& [route, histogram] : latency_)
    for (const auto& [status, count] : histogram.by_status)
      out += requests + "{route=\"" + escape_label(route) + "\",status=\"" + std::to_string(status) + "\"} " +
             std::to_string(count) + "\n";
  for (const auto& [name, family] : counters_) {
    out += "# HELP " + name + " " + family.help + "\n# TYPE " + name + " counter\n";
    for (const auto& [labels, value] : family.values) out += name + labels + " " + number(value) + "\n";
  }
  for (const auto& [name, family] : gauges_) {
    out += "# HELP " + name + " " + family.help + "\n# TYPE " + name + " gauge\n";
    for (const auto& [labels, value] : family.values) out += name + labels + " " + number(value) + "\n";
  }
  for (const auto& [family, entry] : counted_) {
    const auto& [help, counted] = entry;
    out += "# HELP " + family + " " + help + "\n# TYPE " + family + " histogram\n";
    for (const auto& [le, observed] : counted.buckets)
      out += family + "_bucket{le=\"" + number(le) + "\"} " + std::to_string(observed) + "\n";
    out += family + "_bucket{le=\"+Inf\"} " + std::to_string(counted.count) + "\n";
    out += family + "_sum " + number(counted.sum) + "\n";
    out += family + "_count " + std::to_string(counted.count) + "\n";
  }
  const std::string name = "jorge_http_request_duration_seconds";
  out += "# HELP " + name + " Time from a complete request to its response, by route.\n# TYPE " + name +
         " histogram\n";
  for (const auto& [route, histogram] : latency_) {
    std::string route_label = "route=\"" + escape_label(route) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out += name + "_bucket{" + route_label + ",le=\"" + number(kBuckets[i]) + "\"} " +
             std::to_string(histogram.buckets[i]) + "\n";
    out += name + "_bucket{" + route_label + ",le=\"+Inf\"} " + std::to_string(histogram.count) + "\n";
    out += name + "_sum{" + route_label + "} " + number(histogram.sum) + "\n";
    out += name + "_count{" + route_label + "} " + std::to_string(histogram.count) + "\n";
  }
  return out;
}

}  // namespace jorge::http
