#include "ingest/source_adapter.hpp"

#include <strings.h>

namespace jorge::ingest {

std::string_view WebhookRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  return {};
}

}  // namespace jorge::ingest
