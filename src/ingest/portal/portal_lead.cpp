#include "ingest/portal/portal_lead.hpp"
#include "core/text.hpp"

#include "core/bytes.hpp"
#include "ingest/internal/json_body.hpp"
#include "ingest/normalise.hpp"
#include "ingest/signature.hpp"

namespace jorge::ingest {
namespace {

using nlohmann::json;
using internal::text_field;

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

// What both shapes give, before it becomes an event.
struct PortalFields {
  std::string lead_id, created_at, lead_type, message, tour_time;
  std::string first_name, last_name, email, phone;
  const json* property = nullptr;
  const json* financing = nullptr;
  // Property keys differ between the shapes: ours, then the vendor's.
  const char *address_key = "address", *city_key = "city", *state_key = "state", *zip_key = "zip",
             *price_key = "price";
};

Result<PortalFields> read_our_format(std::string_view source, const json& body) {
  const std::string where(source);
  JORGE_TRY_STATUS(internal::only_known_fields(body, where, {"source", "lead_id", "created_at", "lead_type", "contact",
                                                             "message", "property", "financing", "tour_time", "raw"}));
  for (const char* key : {"source", "lead_id", "created_at", "lead_type", "tour_time"})
    JORGE_TRY_STATUS(internal::check_text_field(body, key, where, 256));
  JORGE_TRY_STATUS(internal::check_text_field(body, "message", where, 16 * 1024));
  PortalFields fields;
  if (std::string given = text_field(body, "source"); given != source)
    return invalid(where + ".source must be \"" + where + "\" on this route");
  fields.lead_id = text_field(body, "lead_id");
  if (fields.lead_id.empty()) return invalid(where + ".lead_id is required");
  fields.created_at = text_field(body, "created_at");
  if (fields.created_at.empty()) return invalid(where + ".created_at is required (ISO-8601 with offset)");
  fields.lead_type = text_field(body, "lead_type");
  fields.message = text_field(body, "message");
  fields.tour_time = text_field(body, "tour_time");
  JORGE_TRY(const json* contact, internal::object_field(body, "contact", where));
  JORGE_TRY_STATUS(internal::only_known_fields(*contact, where + ".contact", {"first_name", "last_name", "email", "phone"}));
  for (const char* key : {"first_name", "last_name", "email", "phone"})
    JORGE_TRY_STATUS(internal::check_text_field(*contact, key, where + ".contact", 256));
  fields.first_name = text_field(*contact, "first_name");
  fields.last_name = text_field(*contact, "last_name");
  fields.email = text_field(*contact, "email");
  fields.phone = text_field(*contact, "phone");
  JORGE_TRY(fields.property, internal::object_field(body, "property", where));
  JORGE_TRY_STATUS(internal::only_known_fields(*fields.property, where + ".property",
                                               {"address", "city", "state", "zip", "zpid", "price", "url", "mls_id",
                                                "listing_url"}));
  for (const char* key : {"address", "city", "state", "zip", "zpid", "url", "mls_id", "listing_url"})
    JORGE_TRY_STATUS(internal::check_text_field(*fields.property, key, where + ".property", 2048));
  if (auto price = fields.property->find("price"); price != fields.property->end() && !price->is_null() &&
                                                   !price->is_number())
    return invalid(where + ".property.price must be a number of dollars");
  JORGE_TRY(fields.financing, internal::object_field(body, "financing", where));
  JORGE_TRY_STATUS(internal::only_known_fields(*fields.financing, where + ".financing",
                                               {"pre_approved", "credit_score_range", "budget"}));
  if (auto approved = fields.financing->find("pre_approved");
      approved != fields.financing->end() && !approved->is_null() && !approved->is_boolean())
    return invalid(where + ".financing.pre_approved must be true or false");
  if (auto budget = fields.financing->find("budget");
      budget != fields.financing->end() && !budget->is_null() && !budget->is_number())
    return invalid(where + ".financing.budget must be a number of dollars");
  JORGE_TRY_STATUS(internal::check_text_field(*fields.financing, "credit_score_range", where + ".financing", 64));
  if (auto raw = body.find("raw"); raw != body.end() && !raw->is_null() && !raw->is_object())
    return invalid(where + ".raw must be an object");
  return fields;
}

// Realtor.com's nested shape (unconfirmed vendor format, tolerated): no id, no time.
Result<PortalFields> read_vendor_shape(std::string_view source, const json& body) {
  const std::string where = std::string(source) + ".Lead";
  if (body.size() != 1) return invalid(std::string(source) + ": a body with \"Lead\" must have nothing else");
  JORGE_TRY(const json* lead, internal::object_field(body, "Lead", source));
  JORGE_TRY(const json* info, internal::object_field(*lead, "lead_info", where));
  JORGE_TRY(const json* consumer, internal::object_field(*info, "lead_consumer_info", where + ".lead_info"));
  for (const char* key : {"first_name", "last_name", "email", "phone"})
    JORGE_TRY_STATUS(internal::check_text_field(*consumer, key, where + ".lead_info.lead_consumer_info", 256));
  JORGE_TRY_STATUS(internal::check_text_field(*info, "comments", where + ".lead_info", 16 * 1024));
  PortalFields fields;
  fields.first_name = text_field(*consumer, "first_name");
  fields.last_name = text_field(*consumer, "last_name");
  fields.email = text_field(*consumer, "email");
  fields.phone = text_field(*consumer, "phone");
  fields.message = text_field(*info, "comments");
  fields.lead_id = text_field(*info, "lead_id");
  JORGE_TRY(fields.property, internal::object_field(*lead, "lead_property_info", where));
  for (const char* key : {"property_street_address", "property_city", "property_state_code", "property_zip"})
    JORGE_TRY_STATUS(internal::check_text_field(*fields.property, key, where + ".lead_property_info", 2048));
  if (auto price = fields.property->find("property_price");
      price != fields.property->end() && !price->is_null() && !price->is_number())
    return invalid(where + ".lead_property_info.property_price must be a number of dollars");
  static const json kEmpty = json::object();
  fields.financing = &kEmpty;
  fields.address_key = "property_street_address";
  fields.city_key = "property_city";
  fields.state_key = "property_state_code";
  fields.zip_key = "property_zip";
  fields.price_key = "property_price";
  return fields;
}

void add_text(ContactFacts& facts, const char* key, const std::string& value) {
  std::string cleaned = clean_text(value);
  if (!cleaned.empty()) facts.custom_fields.push_back({key, cleaned});
}

}  // namespace

Result<InboundEvent> parse_portal_lead(std::string_view source, std::string_view body) {
  JORGE_TRY(json parsed, internal::parse_json_object(source, body));
  bool vendor_shape = parsed.contains("Lead");
  JORGE_TRY(PortalFields fields, vendor_shape ? read_vendor_shape(source, parsed) : read_our_format(source, parsed));
  const std::string where(source);

  InboundEvent event;
  event.source = std::string(source);
  event.event_type = "lead";
  event.idempotency_key = fields.lead_id.empty() ? "sha256:" + sha256_hex(body) : fields.lead_id;
  if (!fields.created_at.empty() && !parse_iso8601(fields.created_at, event.occurred_at))
    return invalid(where + ".created_at is not an ISO-8601 time with offset");
  event.origin.lead_type = clean_text(fields.lead_type);

  ContactFacts facts;
  facts.external_id = fields.lead_id.empty() ? event.idempotency_key : fields.lead_id;
  normalise_contact({fields.first_name, fields.last_name, {}, fields.phone, fields.email, {}}, facts);
  if (!facts.phone && facts.email.empty()) {
    if (!fields.phone.empty()) return invalid(where + ": contact.phone is not a phone number and there is no e-mail");
    if (!fields.email.empty()) return invalid(where + ": contact.email is not an e-mail address and there is no phone");
    return invalid(where + ": the lead has neither a phone nor an e-mail, so it cannot be contacted");
  }
  facts.lead_source = where;
  const json& property = *fields.property;
  add_text(facts, "property_address", normalise_address(text_field(property, fields.address_key)));
  add_text(facts, "property_city", text_field(property, fields.city_key));
  add_text(facts, "property_state", normalise_state(text_field(property, fields.state_key)));
  add_text(facts, "property_zip", normalise_postal_code(text_field(property, fields.zip_key)));
  if (auto price = property.find(fields.price_key); price != property.end() && price->is_number())
    facts.custom_fields.push_back({"property_price", price->get<double>()});
  for (const char* key : {"zpid", "mls_id"}) add_text(facts, key, text_field(property, key));
  add_text(facts, "property_url", text_field(property, "url"));
  add_text(facts, "listing_url", text_field(property, "listing_url"));
  const json& financing = *fields.financing;
  if (auto approved = financing.find("pre_approved"); approved != financing.end() && approved->is_boolean())
    facts.custom_fields.push_back({"pre_approved", approved->get<bool>()});
  if (auto budget = financing.find("budget"); budget != financing.end() && budget->is_number())
    facts.custom_fields.push_back({"budget", budget->get<double>()});
  add_text(facts, "credit_score_range", text_field(financing, "credit_score_range"));
  add_text(facts, "lead_type", fields.lead_type);
  add_text(facts, "tour_time", fields.tour_time);
  // A range typed into the message ("budget around 800k") when the portal asked nothing.
  if (!financing.contains("budget") && !fields.message.empty()) {
    const std::string lowered = ascii_lower(fields.message);
    if (lowered.find("budget") != std::string::npos)
      if (auto money = parse_money(fields.message)) {
        if (money->low) facts.custom_fields.push_back({"budget_min", *money->low});
        if (money->high) facts.custom_fields.push_back({"budget_max", *money->high});
      }
  }
  add_derived_fields(facts, event.occurred_at);
  if (!fields.message.empty()) {
    InteractionRecord message;
    message.external_id = facts.external_id + ":message";
    message.direction = Direction::kInbound;
    message.channel = "Form";
    message.body = fields.message;
    message.occurred_at = event.occurred_at;
    event.interaction = std::move(message);
  }
  event.contact = std::move(facts);
  return event;
}

namespace {

class PortalAdapter final : public SourceAdapter {
 public:
  PortalAdapter(std::string source, PortalAuth auth) : source_(std::move(source)), auth_(std::move(auth)) {}
  std::string_view name() const override { return source_; }

  Status verify(const WebhookRequest& request) const override {
    if (!auth_.secret.empty())
      return verify_hmac_header("X-Jorge-Signature", request.header("x-jorge-signature"), auth_.secret, request.body);
    if (!auth_.username.empty()) {
      std::string expected = "Basic " + base64_encode(auth_.username + ":" + auth_.password);
      if (constant_time_equal(request.header("authorization"), expected)) return ok_status();
      return Error{ErrorCode::kUnauthenticated, "Authorization: basic credentials missing or wrong"};
    }
    return Error{ErrorCode::kUnauthenticated, "sources." + source_ + ".secret (or .username/.password) is not set: "
                                                                      "no delivery can be verified"};
  }

  Result<std::vector<InboundEvent>> parse(std::string_view body) const override {
    JORGE_TRY(InboundEvent event, parse_portal_lead(source_, body));
    std::vector<InboundEvent> events;
    events.push_back(std::move(event));
    return events;
  }

 private:
  std::string source_;
  PortalAuth auth_;
};

}  // namespace

std::unique_ptr<SourceAdapter> make_portal_adapter(std::string source, PortalAuth auth) {
  return std::make_unique<PortalAdapter>(std::move(source), std::move(auth));
}

}  // namespace jorge::ingest
