#include "http/router.hpp"

namespace jorge::http {
namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back({std::move(method), split_path(pattern), pattern, std::move(handler)});
}

std::string Router::dispatch(Request& request, Respond respond) const {
  std::vector<std::string> segments = split_path(request.path);
  bool path_matched = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) match = false;
        else params.emplace_back(want.substr(1, want.size() - 2), segments[i]);
      } else {
        match = want == segments[i];
      }
    }
    if (!match) continue;
    path_matched = true;
    if (route.method != request.method && !(route.method == "GET" && request.method == "HEAD")) continue;
    request.path_params = std::move(params);
    request.route = route.pattern;
    route.handler(request, std::move(respond));
    return route.pattern;
  }
  if (path_matched) {
    request.route = "method_not_allowed";
    respond(json_error(405, "method_not_allowed", "this path does not accept " + request.method.substr(0, 16)));
    return "method_not_allowed";
  }
  request.route = "not_found";
  respond(json_error(404, "not_found", "no such endpoint; see docs/api.md"));
  return "not_found";
}

}  // namespace jorge::http
