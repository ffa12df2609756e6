#include "ingest/source_adapter.hpp"

#include "core/text.hpp"

namespace jorge::ingest {

std::string_view WebhookRequest::header(std::string_view name) const {
  return find_header(headers, name);
}

}  // namespace jorge::ingest
