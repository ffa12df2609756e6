#pragma once
// Maps method + path pattern ("/api/v1/leads/{id}") to a handler. The matched pattern is the
// route label in metrics and logs, so raw paths (which may carry ids) never reach them.
#include <functional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace jorge::http {

using Handler = std::function<void(Request&, Respond)>;

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  // Calls the matching handler, or answers 404 / 405. Returns the route label.
  std::string dispatch(Request& request, Respond respond) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" captures one segment
    std::string pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace jorge::http
