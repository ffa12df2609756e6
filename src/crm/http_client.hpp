#pragma once
// A small blocking HTTP client over libcurl with connection reuse. One client per thread.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace jorge::crm {

struct HttpReply {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // Whether libcurl may send the request again by itself. On a reused keep-alive connection
  // that closes before any answer, libcurl silently resends the request on a new connection
  // (it cannot tell "closed while idle" from "acted, then dropped"); for a request that must
  // not happen twice (sending an SMS) that resend is a duplicate, so such requests open a
  // fresh connection, where libcurl never resends. Costs one connect per request.
  enum class Resend { kAllowed, kNever };
  // kUnavailable when the server cannot be reached or does not answer within `timeout_ms`.
  Result<HttpReply> request(const std::string& method, const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& body = {}, long timeout_ms = 10000, Resend resend = Resend::kAllowed);

 private:
  void* curl_;  // CURL*, reused so connections stay open
};

// `text` percent-encoded for a URL's query (RFC 3986: letters, digits and -_.~ stay).
std::string query_escape(std::string_view text);

}  // namespace jorge::crm
