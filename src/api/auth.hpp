#pragma once
// Bearer-token check for /api/v1: the configured token is kept only as its SHA-256, and the
// comparison takes the same time wherever the given token differs.
#include <string>

#include "core/result.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace jorge::api {

class BearerAuth {
 public:
  explicit BearerAuth(const std::string& token);
  // kUnauthenticated with what to send when the header is missing or wrong.
  Status check(const http::Request& request) const;
  // `handler` behind the check: a request without the token gets the 401 and goes no further.
  http::Handler guard(http::Handler handler) const;

 private:
  std::string token_digest_;
};

}  // namespace jorge::api
