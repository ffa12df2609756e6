#include "crm/ghl/ghl_client.hpp"

#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace jorge::crm {
namespace {

// Version header per API family (specs §2.1).
constexpr const char* kContactsVersion = "2021-07-28";
constexpr const char* kConversationsVersion = "2021-04-15";
constexpr const char* kCalendarsVersion = "2021-04-15";

std::optional<int64_t> header_number(const HttpReply& reply, const char* name) {
  std::string text = reply.header(name);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// GHL's error bodies: {"statusCode":422,"message":["..."]} or "message": "..." (specs §2.6).
std::string error_text(const HttpReply& reply) {
  auto body = parse_json(reply.body);
  std::string text;
  if (body.is_object() && body.contains("message")) {
    const auto& message = body["message"];
    if (message.is_string()) text = message.get<std::string>();
    else if (message.is_array())
      for (const auto& part : message)
        if (part.is_string()) text += (text.empty() ? "" : "; ") + part.get<std::string>();
  }
  return text.substr(0, 300);
}

Error status_error(const HttpReply& reply, const std::string& what) {
  std::string message = "ghl " + what + ": HTTP " + std::to_string(reply.status);
  std::string detail = error_text(reply);
  if (!detail.empty()) message += " (" + detail + ")";
  if (reply.status == 429) return Error{ErrorCode::kResourceExhausted, message};
  if (reply.status == 401 || reply.status == 403) return Error{ErrorCode::kUnauthenticated, message};
  if (reply.status >= 500) return Error{ErrorCode::kUnavailable, message};
  return Error{ErrorCode::kInvalidArgument, message};
}

std::string text_of(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

Appointment appointment_of(const nlohmann::json& object) {
  return {text_of(object, "id"), text_of(object, "calendarId"), text_of(object, "contactId"), text_of(object, "startTime"),
          text_of(object, "appointmentStatus")};
}

}  // namespace

GhlClient::GhlClient(GhlClientOptions options) : options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

Result<HttpReply> GhlClient::call(const std::string& method, const std::string& path, const char* version,
                                  const std::string& body, HttpClient::Resend resend) {
  rate_limit_ = {};
  auto reply = http_.request(method, options_.base_url + path,
                             {{"Authorization", "Bearer " + options_.token},
                              {"Version", version},
                              {"Accept", "application/json"},
                              {"Content-Type", "application/json"}},
                             body, options_.timeout_ms, resend);
  if (!reply.ok()) return reply;
  if (auto remaining = header_number(*reply, "x-ratelimit-remaining")) rate_limit_.remaining = static_cast<int>(*remaining);
  if (auto interval = header_number(*reply, "x-ratelimit-interval-milliseconds"))
    rate_limit_.interval = std::chrono::milliseconds(*interval);
  if (auto daily = header_number(*reply, "x-ratelimit-daily-remaining")) rate_limit_.daily_remaining = static_cast<int>(*daily);
  if (auto seconds = header_number(*reply, "retry-after")) rate_limit_.retry_after = std::chrono::seconds(*seconds);
  return reply;
}

Result<SentMessage> GhlClient::send_sms(const std::string& contact_id, const std::string& message) {
  nlohmann::json body = {{"type", "SMS"}, {"contactId", contact_id}, {"message", message}};
  JORGE_TRY(HttpReply reply, call("POST", "/conversations/messages", kConversationsVersion, body.dump(),
                                  HttpClient::Resend::kNever));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "send SMS");
  auto parsed = parse_json(reply.body);
  if (!parsed.is_object() || !parsed.contains("messageId") || !parsed["messageId"].is_string())
    return Error{ErrorCode::kUnavailable, "ghl send SMS: 2xx without a messageId; outcome unknown"};
  SentMessage sent;
  sent.message_id = parsed["messageId"].get<std::string>();
  if (parsed.contains("conversationId") && parsed["conversationId"].is_string())
    sent.conversation_id = parsed["conversationId"].get<std::string>();
  return sent;
}

Result<std::string> GhlClient::upsert_contact(const std::string& contact_json) {
  nlohmann::json body = parse_json(contact_json);
  if (!body.is_object()) return Error{ErrorCode::kInvalidArgument, "ghl upsert contact: the contact is not a JSON object"};
  body["locationId"] = options_.location_id;
  JORGE_TRY(HttpReply reply, call("POST", "/contacts/upsert", kContactsVersion, body.dump()));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "upsert contact");
  auto parsed = parse_json(reply.body);
  // Documented as {"new": bool, "contact": {...}}; a bare contact is accepted too.
  const nlohmann::json* contact = &parsed;
  if (parsed.is_object() && parsed.contains("contact") && parsed["contact"].is_object()) contact = &parsed["contact"];
  if (!contact->is_object() || !contact->contains("id") || !(*contact)["id"].is_string())
    return Error{ErrorCode::kUnavailable, "ghl upsert contact: 2xx without a contact id"};
  return (*contact)["id"].get<std::string>();
}

Status GhlClient::add_tags(const std::string& contact_id, const std::vector<std::string>& tags) {
  JORGE_TRY(HttpReply reply, call("POST", "/contacts/" + contact_id + "/tags", kContactsVersion,
                                  nlohmann::json{{"tags", tags}}.dump()));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "add tags");
  return ok_status();
}

Status GhlClient::create_task(const std::string& contact_id, const std::string& title, const std::string& body,
                              const std::string& due, const std::string& assigned_to) {
  nlohmann::json task = {{"title", title}, {"body", body}, {"dueDate", due}, {"completed", false}};
  if (!assigned_to.empty()) task["assignedTo"] = assigned_to;
  // Not idempotent, like an SMS: never resent behind our back.
  JORGE_TRY(HttpReply reply, call("POST", "/contacts/" + contact_id + "/tasks", kContactsVersion, task.dump(),
                                  HttpClient::Resend::kNever));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "create task");
  return ok_status();
}

Status GhlClient::create_note(const std::string& contact_id, const std::string& body) {
  JORGE_TRY(HttpReply reply, call("POST", "/contacts/" + contact_id + "/notes", kContactsVersion,
                                  nlohmann::json{{"body", body}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                  HttpClient::Resend::kNever));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "create note");
  return ok_status();
}

Status GhlClient::update_custom_fields(const std::string& contact_id,
                                       const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, value] : fields) {
    auto parsed = parse_json(value);
    list.push_back({{"id", id}, {"field_value", parsed.is_discarded() ? nlohmann::json(value) : parsed}});
  }
  JORGE_TRY(HttpReply reply, call("PUT", "/contacts/" + contact_id, kContactsVersion,
                                  nlohmann::json{{"customFields", list}}.dump()));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "update contact");
  return ok_status();
}

Result<std::string> GhlClient::find_conversation(const std::string& contact_id) {
  std::string query = "/conversations/search?locationId=" + options_.location_id + "&contactId=" + contact_id;
  JORGE_TRY(HttpReply reply, call("GET", query, kConversationsVersion, ""));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "search conversations");
  auto parsed = parse_json(reply.body);
  if (!parsed.is_object() || !parsed.contains("conversations") || !parsed["conversations"].is_array())
    return Error{ErrorCode::kUnavailable, "ghl search conversations: unexpected body"};
  for (const auto& conversation : parsed["conversations"])
    if (conversation.is_object() && conversation.contains("id") && conversation["id"].is_string())
      return conversation["id"].get<std::string>();
  return std::string();
}

Result<std::vector<ConversationMessage>> GhlClient::recent_messages(const std::string& conversation_id) {
  JORGE_TRY(HttpReply reply, call("GET", "/conversations/" + conversation_id + "/messages", kConversationsVersion, ""));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "list messages");
  auto parsed = parse_json(reply.body);
  // {"messages": {"messages": [...], "nextPage": ..., "lastMessageId": ...}}
  const nlohmann::json* list = nullptr;
  if (parsed.is_object() && parsed.contains("messages")) {
    const auto& outer = parsed["messages"];
    if (outer.is_array()) list = &outer;
    else if (outer.is_object() && outer.contains("messages") && outer["messages"].is_array()) list = &outer["messages"];
  }
  if (!list) return Error{ErrorCode::kUnavailable, "ghl list messages: unexpected body"};
  std::vector<ConversationMessage> messages;
  for (const auto& item : *list) {
    if (!item.is_object()) continue;
    ConversationMessage message;
    if (item.contains("id") && item["id"].is_string()) message.id = item["id"].get<std::string>();
    if (item.contains("body") && item["body"].is_string()) message.body = item["body"].get<std::string>();
    if (item.contains("direction") && item["direction"].is_string()) message.direction = item["direction"].get<std::string>();
    messages.push_back(std::move(message));
  }
  return messages;
}

Result<std::vector<std::string>> GhlClient::free_slots(const std::string& calendar_id, SystemTime from, SystemTime to,
                                                      const std::string& zone) {
  const std::string query = "/calendars/" + calendar_id + "/free-slots?startDate=" + std::to_string(to_unix_millis(from)) +
                            "&endDate=" + std::to_string(to_unix_millis(to)) + "&timezone=" + query_escape(zone);
  JORGE_TRY(HttpReply reply, call("GET", query, kCalendarsVersion, ""));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "free slots");
  const auto parsed = parse_json(reply.body);
  if (!parsed.is_object()) return Error{ErrorCode::kUnavailable, "ghl free slots: 2xx without a JSON object"};
  // {"2026-12-04": {"slots": [...]}, ..., "traceId": "..."}: every key but traceId is a date.
  std::vector<std::pair<SystemTime, std::string>> found;
  for (const auto& [day, value] : parsed.items()) {
    if (day == "traceId" || !value.is_object()) continue;
    const auto slots = value.find("slots");
    if (slots == value.end() || !slots->is_array()) continue;
    for (const auto& slot : *slots) {
      SystemTime at;
      if (slot.is_string() && parse_iso8601(slot.get<std::string>(), at)) found.emplace_back(at, slot.get<std::string>());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [at, text] : found) out.push_back(std::move(text));
  return out;
}

Result<Appointment> GhlClient::book_appointment(const std::string& calendar_id, const std::string& contact_id,
                                                const std::string& start_time, const std::string& title) {
  const nlohmann::json body = {{"calendarId", calendar_id}, {"locationId", options_.location_id}, {"contactId", contact_id},
                               {"startTime", start_time},   {"title", title},                    {"appointmentStatus", "confirmed"},
                               {"toNotify", true}};
  // Not idempotent: never resent behind our back (the caller looks before booking again).
  JORGE_TRY(HttpReply reply, call("POST", "/calendars/events/appointments", kCalendarsVersion,
                                  body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                  HttpClient::Resend::kNever));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "book appointment");
  const auto parsed = parse_json(reply.body);
  if (!parsed.is_object() || text_of(parsed, "id").empty())
    return Error{ErrorCode::kUnavailable, "ghl book appointment: 2xx without an appointment id; outcome unknown"};
  return appointment_of(parsed);
}

Result<std::vector<Appointment>> GhlClient::contact_appointments(const std::string& contact_id) {
  JORGE_TRY(HttpReply reply, call("GET", "/contacts/" + contact_id + "/appointments", kContactsVersion, ""));
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "contact appointments");
  const auto parsed = parse_json(reply.body);
  if (!parsed.is_object() || !parsed.contains("events") || !parsed["events"].is_array())
    return Error{ErrorCode::kUnavailable, "ghl contact appointments: 2xx without an events list"};
  std::vector<Appointment> out;
  for (const auto& event : parsed["events"])
    if (event.is_object()) out.push_back(appointment_of(event));
  return out;
}

}  // namespace jorge::crm
