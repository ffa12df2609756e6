#pragma once
#include "store/internal/sql_session.hpp"
#include "store/store.hpp"

namespace jorge::store::internal {

// The writes of one inbound event, identity decided by `identity` (online_matcher,
// name_conflict, source_trust). REQUIRES: inside a transaction on `session`. On error the
// caller rolls the transaction back.
Result<IngestOutcome> apply_event(SqlSession& session, const InboundEvent& event, const std::string& raw_body,
                                  const JobPlan& plan, int64_t now_millis, const StoreOptions& identity);

// Takes, in one sorted order, the identity locks (source id, phone, e-mail) of every event
// of a batch, before any row is touched. REQUIRES: inside a transaction, before apply_event.
Status lock_identities(SqlSession& session, const std::vector<const InboundEvent*>& events);

// Custom field values as stored: lists as a JSON array, numbers in shortest form.
// outreach_facts reads a contact's custom fields in one aggregate joined by the ASCII record and
// unit separators (0x1E, 0x1F): stored keys and texts hold a space instead (they mean nothing in
// a CRM field).
std::string without_separators(std::string text);
std::string encode_field_value(const FieldValue& value);
FieldValue decode_field_value(std::string_view type, const std::string& text);
std::string join_tags(const std::vector<std::string>& tags);
std::vector<std::string> split_tags(const std::string& text);

}  // namespace jorge::store::internal
