#include "http/message.hpp"

#include <charconv>

#include "core/text.hpp"

#include <nlohmann/json.hpp>

namespace jorge::http {

std::string_view Request::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() + 0 && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t end = rest.find('&');
    std::string_view pair = rest.substr(0, end);
    size_t equals = pair.find('=');
    if (percent_decode(pair.substr(0, equals)) == name)
      return equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params)
    if (key == name) return value;
  return {};
}

std::optional<int64_t> Request::path_id(std::string_view name) const {
  const std::string_view text = path_param(name);
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kFailedPrecondition: return 412;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kAborted: return 409;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response json_error(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return Response{status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

Response error_response(const Error& error) {
  return json_error(status_for(error.code), error_code_name(error.code), error.message);
}

Response json_response(int status, std::string body) { return Response{status, "application/json", std::move(body), {}}; }

}  // namespace jorge::http
