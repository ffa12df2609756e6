#include "api/auth.hpp"

#include <strings.h>

#include "core/bytes.hpp"

namespace jorge::api {

BearerAuth::BearerAuth(const std::string& token) : token_digest_(sha256_hex(token)) {}

Status BearerAuth::check(const http::Request& request) const {
  std::string_view header = request.header("authorization");
  constexpr std::string_view kScheme = "bearer ";  // scheme names are case-insensitive (RFC 9110 §11.1)
  if (header.size() <= kScheme.size() || strncasecmp(header.data(), kScheme.data(), kScheme.size()) != 0)
    return Error{ErrorCode::kUnauthenticated, "send the API token as \"Authorization: Bearer <token>\""};
  // Digests have equal length, so the comparison time does not reveal the token's length either.
  if (!constant_time_equal(sha256_hex(header.substr(kScheme.size())), token_digest_))
    return Error{ErrorCode::kUnauthenticated, "the API token is not valid"};
  return ok_status();
}

http::Handler BearerAuth::guard(http::Handler handler) const {
  return [this, handler = std::move(handler)](http::Request& request, http::Respond respond) {
    if (Status allowed = check(request); !allowed.ok()) return respond(http::error_response(allowed.error()));
    handler(request, std::move(respond));
  };
}

}  // namespace jorge::api
