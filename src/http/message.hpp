#pragma once
// HTTP requests and responses as plain values, free of Beast, so handlers and tests do not
// pull in Asio. A handler answers through Respond exactly once, from any thread.
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace jorge::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, not decoded
  std::string query;   // after '?', not decoded
  Headers headers;
  std::string body;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router
  std::string route;  // the matched pattern ("/api/v1/leads/{id}"), set by the router before the handler runs

  std::string_view header(std::string_view name) const;  // case-insensitive; empty when absent
  std::string query_param(std::string_view name) const;  // percent-decoded; empty when absent
  std::string_view path_param(std::string_view name) const;
  // The path parameter as an id: a positive whole number; nothing when it is not one.
  std::optional<int64_t> path_id(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;
  // Close the connection without answering, as a crashed or overloaded peer would. Used by
  // local stand-ins of outside APIs to test that clients survive a lost answer.
  bool drop_connection = false;
};

using Respond = std::function<void(Response)>;

// {"error":{"code":"...","message":"..."}} with the status that fits `code`.
Response error_response(const Error& error);
Response json_error(int status, std::string_view code, std::string_view message);
Response json_response(int status, std::string body);
int status_for(ErrorCode code);
std::string percent_decode(std::string_view text);

}  // namespace jorge::http
