#pragma once
// A lead source at the edge: checks a delivery's signature and turns its bytes into
// InboundEvents. Pure: no I/O, no clock, no store, so it is tested and fuzzed on its own.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest {

struct WebhookRequest {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  // Header names are case-insensitive; empty when absent.
  std::string_view header(std::string_view name) const;
};

class SourceAdapter {
 public:
  virtual ~SourceAdapter() = default;
  virtual std::string_view name() const = 0;  // "ghl" serves /webhooks/ghl
  // kUnauthenticated when the delivery is not signed by the source.
  virtual Status verify(const WebhookRequest& request) const = 0;
  // kInvalidArgument with what is wrong (never the personal data itself).
  virtual Result<std::vector<InboundEvent>> parse(std::string_view body) const = 0;
};

}  // namespace jorge::ingest
