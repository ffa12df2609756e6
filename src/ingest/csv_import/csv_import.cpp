#include "ingest/csv_import/csv_import.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/bytes.hpp"
#include "core/text.hpp"
#include "ingest/normalise.hpp"

namespace jorge::ingest {
namespace {

// "E-mail Address" -> "emailaddress": letters and digits only, lower case.
std::string squeeze(std::string_view name) {
  std::string out;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

const std::map<std::string, std::string, std::less<>>& header_words() {
  static const std::map<std::string, std::string, std::less<>> words = {
      {"id", "external_id"}, {"leadid", "external_id"}, {"contactid", "external_id"}, {"externalid", "external_id"},
      {"first", "first_name"}, {"firstname", "first_name"}, {"fname", "first_name"}, {"givenname", "first_name"},
      {"last", "last_name"}, {"lastname", "last_name"}, {"lname", "last_name"}, {"surname", "last_name"},
      {"familyname", "last_name"}, {"name", "full_name"}, {"fullname", "full_name"}, {"contactname", "full_name"},
      {"clientname", "full_name"}, {"leadname", "full_name"}, {"email", "email"}, {"emailaddress", "email"},
      {"mail", "email"}, {"phone", "phone"}, {"phonenumber", "phone"}, {"mobile", "phone"}, {"mobilephone", "phone"},
      {"cell", "phone"}, {"cellphone", "phone"}, {"telephone", "phone"}, {"tel", "phone"}, {"phone1", "phone"},
      {"address", "address"}, {"street", "address"}, {"streetaddress", "address"}, {"address1", "address"},
      {"addressline1", "address"}, {"city", "city"}, {"town", "city"}, {"state", "state"}, {"province", "state"},
      {"region", "state"}, {"zip", "postal_code"}, {"zipcode", "postal_code"}, {"postalcode", "postal_code"},
      {"postcode", "postal_code"}, {"country", "country"}, {"message", "message"}, {"comments", "message"},
      {"comment", "message"}, {"notes", "note"}, {"note", "note"}, {"agentnotes", "note"}, {"inquiry", "message"},
      {"createdat", "created_at"}, {"created", "created_at"}, {"date", "created_at"}, {"datecreated", "created_at"},
      {"timestamp", "created_at"}, {"leaddate", "created_at"}, {"tags", "tags"}, {"labels", "tags"},
      {"role", "role"}, {"buyingorselling", "role"}, {"buyorsell", "role"}, {"buyerorseller", "role"},
      {"buyerseller", "role"}, {"lookingto", "role"}, {"interestedin", "role"}, {"leadtype", "role"},
      {"clienttype", "role"}, {"compraovende", "role"}};
  return words;
}

// "Selling", "Buy & sell", "Vender": buyer, seller or both; empty when the cell says neither.
std::string role_of(std::string_view cell) {
  const std::string text = squeeze(cell);
  auto has = [&](std::initializer_list<std::string_view> stems) {
    return std::any_of(stems.begin(), stems.end(), [&](std::string_view stem) { return text.find(stem) != std::string::npos; });
  };
  const bool sells = has({"sell", "seller", "listing", "vend"});
  const bool buys = has({"buy", "purchas", "compr"});
  return sells && buys ? "both" : sells ? "seller" : buys ? "buyer" : "";
}

bool is_field(std::string_view field) {
  return std::find(std::begin(kImportFields), std::end(kImportFields), field) != std::end(kImportFields);
}

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

}  // namespace

std::vector<std::string> propose_mapping(const std::vector<std::string>& header) {
  std::vector<std::string> mapping;
  std::vector<std::string> taken;
  for (const std::string& column : header) {
    auto found = header_words().find(squeeze(column));
    std::string field = found == header_words().end() ? "custom" : found->second;
    // A second "Phone 2" or "Email (work)" stays a custom field: one column feeds each field.
    if (field != "custom" && std::find(taken.begin(), taken.end(), field) != taken.end()) field = "custom";
    if (field != "custom") taken.push_back(field);
    mapping.push_back(field);
  }
  return mapping;
}

Status apply_mapping_overrides(const std::vector<std::string>& header, const std::vector<std::string>& overrides,
                               std::vector<std::string>& mapping) {
  for (const std::string& override_text : overrides) {
    size_t equals = override_text.rfind('=');
    if (equals == std::string::npos || equals == 0)
      return invalid("--map \"" + override_text + "\": expected column=field");
    std::string column = override_text.substr(0, equals), field = override_text.substr(equals + 1);
    if (field == "-") field = "ignore";
    if (!is_field(field)) {
      std::string known;
      for (std::string_view name : kImportFields) known += (known.empty() ? "" : ", ") + std::string(name);
      return invalid("--map \"" + override_text + "\": unknown field \"" + field + "\"; fields are " + known);
    }
    size_t index = header.size();
    for (size_t i = 0; i < header.size(); ++i)
      if (squeeze(header[i]) == squeeze(column) && !squeeze(column).empty()) index = i;
    if (index == header.size() && !column.empty() && std::all_of(column.begin(), column.end(), ::isdigit)) {
      size_t number = std::stoul(column);
      if (number >= 1 && number <= header.size()) index = number - 1;
    }
    if (index == header.size()) return invalid("--map \"" + override_text + "\": no column \"" + column + "\" in the file");
    if (field != "custom" && field != "ignore")
      for (auto& other : mapping)
        if (other == field) other = "custom";  // the override takes the field from the proposal
    mapping[index] = field;
  }
  return ok_status();
}

Result<InboundEvent> import_row(std::string_view source, const std::vector<std::string>& header,
                                const std::vector<std::string>& mapping, const std::vector<std::string>& row,
                                SystemTime now) {
  std::map<std::string, std::string, std::less<>> value;
  ContactFacts facts;
  std::string key_material(source);
  for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
    const std::string& field = mapping[i];
    if (field == "ignore") continue;
    if (!is_valid_utf8(row[i])) return invalid("column \"" + header[i].substr(0, 64) + "\" is not valid UTF-8");
    key_material += '\x1f';
    key_material += row[i];
    if (row[i].empty()) continue;
    if (field == "custom") {
      std::string cleaned = clean_text(row[i]);
      char* end = nullptr;
      double number = std::strtod(cleaned.c_str(), &end);
      bool numeric = !cleaned.empty() && end == cleaned.c_str() + cleaned.size() && std::isfinite(number);
      facts.custom_fields.push_back({header[i], numeric ? FieldValue(number) : FieldValue(cleaned)});
    } else {
      value[field] = row[i];
    }
  }
  auto get = [&](std::string_view field) -> std::string {
    auto found = value.find(field);
    return found == value.end() ? std::string() : found->second;
  };
  facts.country = get("country").size() == 2 ? get("country") : "";
  normalise_contact({get("first_name"), get("last_name"), get("full_name"), get("phone"), get("email"), facts.country},
                    facts);
  if (!facts.phone && facts.email.empty()) {
    if (!get("phone").empty() || !get("email").empty())
      return invalid(std::string(get("phone").empty() ? "" : "the phone is not a phone number") +
                     (get("phone").empty() || get("email").empty() ? "" : " and ") +
                     (get("email").empty() ? "" : "the e-mail is not an e-mail address"));
    return invalid("neither a phone nor an e-mail");
  }
  normalise_place({get("address"), get("city"), get("state"), get("postal_code")}, facts);
  facts.lead_source = std::string(source);
  std::string tags = get("tags");
  for (size_t start = 0; start < tags.size();) {
    size_t end = tags.find_first_of(",;", start);
    if (end == std::string::npos) end = tags.size();
    std::string tag = clean_text(std::string_view(tags).substr(start, end - start));
    if (!tag.empty()) facts.tags.push_back(tag);
    start = end + 1;
  }

  InboundEvent event;
  event.source = std::string(source);
  event.event_type = "import";
  event.idempotency_key = "row:" + sha256_hex(key_material);
  std::string created = get("created_at");
  if (!created.empty() && !parse_iso8601(created, event.occurred_at)) {
    // Spreadsheet dates: "2026-11-20" or "2026-11-20 15:04:05".
    std::string widened = created.size() == 10 ? created + "T00:00:00Z" : created;
    if (widened.size() >= 19 && widened[10] == ' ') widened[10] = 'T';
    if (widened.size() == 19) widened += "Z";
    if (!parse_iso8601(widened, event.occurred_at)) return invalid("created_at is not a date (YYYY-MM-DD[ HH:MM:SS])");
  }
  facts.external_id = get("external_id").empty() ? event.idempotency_key : clean_text(get("external_id"));
  add_derived_fields(facts, event.occurred_at == SystemTime{} ? now : event.occurred_at);
  // #14: an agent's note is not a message from the lead (it set every imported lead engaged).
  if (std::string note = clean_text(get("note")); !note.empty()) facts.custom_fields.push_back({"note", note});
  if (std::string role = role_of(get("role")); !role.empty()) facts.custom_fields.push_back({"role", role});
  std::string message = get("message");
  if (!message.empty()) {
    InteractionRecord note;
    note.external_id = facts.external_id + ":message";
    note.direction = Direction::kInbound;
    note.channel = "Import";
    note.body = message;
    note.occurred_at = event.occurred_at;
    event.interaction = std::move(note);
  }
  event.contact = std::move(facts);
  return event;
}

}  // namespace jorge::ingest
