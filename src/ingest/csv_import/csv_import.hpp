#pragma once
// `jorge import`: rows of a spreadsheet or CRM export turned into lead events. Pure: the CLI
// reads the file and commits; this decides what each column means and what each row is.
#include <string>
#include <string_view>
#include <vector>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest {

// Fields a column may map to. "custom" keeps the column as a custom field under its header;
// "ignore" leaves it out.
inline constexpr std::string_view kImportFields[] = {
    "external_id", "first_name", "last_name", "full_name", "email", "phone",   "address", "city",
    "state",       "postal_code", "country",  "message",   "note",       "created_at", "tags", "role",   "custom",  "ignore"};

// A field for each header column, from its name ("E-mail Address" -> email, "Zip" ->
// postal_code, "Mobile" -> phone, "Comments" -> message, "Notes" -> note: an agent's words,
// not the lead's, kept as the custom field "note"; "Buying or Selling" -> role, kept as the
// custom field "role" = buyer|seller|both, which picks the greeting); "custom" when nothing fits.
std::vector<std::string> propose_mapping(const std::vector<std::string>& header);

// Applies "column=field" overrides (column by header name, case-insensitive, or 1-based
// number). kInvalidArgument naming an unknown column or field.
Status apply_mapping_overrides(const std::vector<std::string>& header, const std::vector<std::string>& overrides,
                               std::vector<std::string>& mapping);

// One row as an event of `source`. Its idempotency key hashes the source and the row's
// mapped values, so importing the same file again adds nothing. kInvalidArgument with the
// reason (no personal data) when the row cannot be a lead: no usable phone or e-mail, a
// created_at that is no date. Timelines ("3-6 months") count from created_at, else from `now`.
Result<InboundEvent> import_row(std::string_view source, const std::vector<std::string>& header,
                                const std::vector<std::string>& mapping, const std::vector<std::string>& row,
                                SystemTime now);

}  // namespace jorge::ingest
