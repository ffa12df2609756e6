#include "ingest/ghl/ghl_adapter.hpp"

#include <optional>

#include "ingest/internal/json_body.hpp"
#include "ingest/normalise.hpp"

namespace jorge::ingest {
namespace {

using nlohmann::json;
using internal::text_field;

enum class GhlKind { kContact, kMessage, kOpportunity, kAppointment, kUnhandled };

GhlKind kind_of(std::string_view type) {
  if (type == "ContactCreate" || type == "ContactUpdate" || type == "ContactTagUpdate" || type == "ContactDndUpdate")
    return GhlKind::kContact;
  if (type == "InboundMessage" || type == "OutboundMessage") return GhlKind::kMessage;
  if (type == "OpportunityCreate" || type == "OpportunityStatusUpdate" || type == "OpportunityStageUpdate")
    return GhlKind::kOpportunity;
  if (type == "AppointmentCreate" || type == "AppointmentUpdate" || type == "AppointmentDelete") return GhlKind::kAppointment;
  return GhlKind::kUnhandled;
}

// What a delivery says about texting this contact (#15): DND on for SMS when "dnd" is true
// (every channel) or dndSettings.SMS is active/permanent; off only when dndSettings.SMS says
// inactive explicitly. "dnd": false without dndSettings — the shape of ContactTagUpdate and
// ContactUpdate — says nothing about SMS and never clears a DND a ContactDndUpdate set.
std::optional<bool> sms_dnd(const json& body) {
  auto dnd = body.find("dnd");
  if (dnd != body.end() && dnd->is_boolean() && dnd->get<bool>()) return true;
  auto settings = body.find("dndSettings");
  if (settings == body.end() || !settings->is_object()) return std::nullopt;
  auto sms = settings->find("SMS");
  if (sms == settings->end() || !sms->is_object()) return std::nullopt;
  const std::string status = text_field(*sms, "status");
  if (status == "active" || status == "permanent") return true;
  if (status == "inactive") return false;
  return std::nullopt;
}

ContactFacts contact_facts(const json& body) {
  ContactFacts facts;
  facts.external_id = text_field(body, "id");
  if (facts.external_id.empty()) facts.external_id = text_field(body, "contactId");
  std::string first = text_field(body, "firstName"), last = text_field(body, "lastName"),
              full = text_field(body, "name"), phone = text_field(body, "phone"), email = text_field(body, "email");
  facts.country = text_field(body, "country");
  normalise_contact({first, last, full, phone, email, facts.country}, facts);
  normalise_place({text_field(body, "address1"), text_field(body, "city"), text_field(body, "state"),
                   text_field(body, "postalCode")},
                  facts);
  facts.lead_source = clean_text(text_field(body, "source"));
  facts.assigned_user = text_field(body, "assignedTo").substr(0, 64);
  facts.do_not_disturb = sms_dnd(body);
  if (auto tags = body.find("tags"); tags != body.end() && tags->is_array())
    for (const auto& tag : *tags)
      if (tag.is_string()) facts.tags.push_back(tag.get<std::string>());
  if (auto fields = body.find("customFields"); fields != body.end() && fields->is_array())
    for (const auto& field : *fields) {
      if (!field.is_object()) continue;
      std::string key = text_field(field, "id");
      if (key.empty()) key = text_field(field, "key");
      if (key.empty() || !field.contains("value")) continue;
      facts.custom_fields.push_back({key, internal::field_value(field["value"])});
    }
  return facts;
}

void read_message(const json& body, InboundEvent& event) {
  InteractionRecord message;
  message.external_id = text_field(body, "messageId");
  message.direction = text_field(body, "type") == "OutboundMessage" ? Direction::kOutbound : Direction::kInbound;
  message.channel = text_field(body, "messageType");
  message.body = text_field(body, "body");
  message.occurred_at = event.occurred_at;
  if (message.direction == Direction::kOutbound) {
    message.author_user_id = text_field(body, "userId").substr(0, 64);
    message.author_source = text_field(body, "source").substr(0, 32);
  }
  ContactFacts contact;
  contact.external_id = text_field(body, "contactId");
  // The sender's number identifies the person when the contact id is new to us.
  std::string phone = text_field(body, message.direction == Direction::kInbound ? "from" : "to");
  if (message.channel == "SMS") normalise_contact({{}, {}, {}, phone, {}, {}}, contact);
  event.contact = std::move(contact);
  event.interaction = std::move(message);
}

void read_opportunity(const json& body, InboundEvent& event) {
  OpportunityRecord opportunity;
  opportunity.external_id = text_field(body, "id");
  opportunity.name = clean_text(text_field(body, "name"));
  opportunity.pipeline_id = text_field(body, "pipelineId");
  opportunity.pipeline_stage_id = text_field(body, "pipelineStageId");
  opportunity.outcome = parse_outcome(text_field(body, "status")).value_or(Outcome::kOpen);
  if (auto value = body.find("monetaryValue"); value != body.end() && value->is_number())
    opportunity.value = Money::from_dollars(value->get<double>());
  ContactFacts contact;
  contact.external_id = text_field(body, "contactId");
  event.contact = std::move(contact);
  event.opportunity = std::move(opportunity);
}

// §2.4f: {"type", "locationId", "appointment": {"id", "calendarId", "contactId", "startTime",
// "appointmentStatus", ...}}.
void read_appointment(const json& body, InboundEvent& event) {
  const auto found = body.find("appointment");
  const json& appointment = found != body.end() && found->is_object() ? *found : body;
  AppointmentRecord record;
  record.external_id = text_field(appointment, "id").substr(0, 100);
  record.calendar_id = text_field(appointment, "calendarId").substr(0, 100);
  record.start_time = text_field(appointment, "startTime").substr(0, 40);
  record.status = text_field(appointment, "appointmentStatus").substr(0, 20);
  record.deleted = text_field(body, "type") == "AppointmentDelete";
  ContactFacts contact;
  contact.external_id = text_field(appointment, "contactId");
  event.contact = std::move(contact);
  event.appointment = std::move(record);
}

class GhlAdapter final : public SourceAdapter {
 public:
  explicit GhlAdapter(GhlWebhookKeys keys) : keys_(std::move(keys)) {}

  std::string_view name() const override { return "ghl"; }

  Status verify(const WebhookRequest& request) const override {
    if (!keys_.verify_signatures) return ok_status();
    // The official SDK prefers the newer Ed25519 header and falls back to the RSA one.
    std::string_view ed25519 = request.header("x-ghl-signature");
    if (!ed25519.empty() && keys_.ed25519 && verify_signature(*keys_.ed25519, request.body, ed25519))
      return ok_status();
    std::string_view rsa = request.header("x-wh-signature");
    if (!rsa.empty() && keys_.rsa && verify_signature(*keys_.rsa, request.body, rsa)) return ok_status();
    if (ed25519.empty() && rsa.empty())
      return Error{ErrorCode::kUnauthenticated, "ghl: missing x-wh-signature / x-ghl-signature header"};
    return Error{ErrorCode::kUnauthenticated, "ghl: signature does not match the body and the configured public key"};
  }

  Result<std::vector<InboundEvent>> parse(std::string_view body) const override {
    JORGE_TRY(json parsed, internal::parse_json_object("ghl", body));
    InboundEvent event;
    event.source = "ghl";
    event.event_type = text_field(parsed, "type");
    if (event.event_type.empty()) return Error{ErrorCode::kInvalidArgument, "ghl: missing \"type\""};
    if (event.event_type.size() > 64) return Error{ErrorCode::kInvalidArgument, "ghl: \"type\" is too long"};
    if (text_field(parsed, "locationId").empty())
      return Error{ErrorCode::kInvalidArgument, "ghl: missing \"locationId\""};
    // The webhook id is the delivery's identity; without one, the exact bytes are.
    event.idempotency_key = text_field(parsed, "webhookId");
    if (event.idempotency_key.empty() || event.idempotency_key.size() > 200)
      event.idempotency_key = "sha256:" + sha256_hex(body);
    std::string date = text_field(parsed, "dateAdded");
    if (date.empty() || !parse_iso8601(date, event.occurred_at)) parse_iso8601(text_field(parsed, "timestamp"), event.occurred_at);
    switch (kind_of(event.event_type)) {
      case GhlKind::kContact:
        event.contact = contact_facts(parsed);
        event.tags_only = event.event_type == "ContactTagUpdate";
        break;
      case GhlKind::kMessage:
        read_message(parsed, event);
        event.job_event = event.event_type == "OutboundMessage" ? JobEvent::kOutboundMessage : JobEvent::kInboundMessage;
        break;
      case GhlKind::kOpportunity:
        read_opportunity(parsed, event);
        event.job_event = JobEvent::kOpportunity;
        break;
      case GhlKind::kAppointment:
        read_appointment(parsed, event);
        event.job_event = JobEvent::kAppointment;
        break;
      case GhlKind::kUnhandled: event.recognised = false; break;
    }
    if (event.contact && event.contact->external_id.empty() && !event.contact->phone && event.contact->email.empty())
      return Error{ErrorCode::kInvalidArgument, "ghl: " + event.event_type + " names no contact (id, contactId, phone or email)"};
    std::vector<InboundEvent> events;
    events.push_back(std::move(event));
    return events;
  }

 private:
  GhlWebhookKeys keys_;
};

}  // namespace

std::unique_ptr<SourceAdapter> make_ghl_adapter(GhlWebhookKeys keys) {
  return std::make_unique<GhlAdapter>(std::move(keys));
}

}  // namespace jorge::ingest
