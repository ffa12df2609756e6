#include "api/conversations_api.hpp"

#include <nlohmann/json.hpp>


#include "bots/conversation_json.hpp"

namespace jorge::api {
namespace {

using nlohmann::json;

json parsed_or_null(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json() : value;
}

}  // namespace

void ConversationsApi::add_routes(http::Router& router) {
  router.add("GET", "/api/v1/conversations/{contact_id}",
             auth_.guard([this](http::Request& request, http::Respond respond) { get(request, std::move(respond)); }));
  router.add("POST", "/api/v1/conversations/{contact_id}/pause", auth_.guard([this](http::Request& request, http::Respond respond) {
               control(request, std::move(respond), true);
             }));
  router.add("POST", "/api/v1/conversations/{contact_id}/resume", auth_.guard([this](http::Request& request, http::Respond respond) {
               control(request, std::move(respond), false);
             }));
}

void ConversationsApi::get(http::Request& request, http::Respond respond) {
  const auto contact = request.path_id("contact_id");
  if (!contact) return respond(http::json_error(400, "invalid_argument", "contact id must be a positive number"));
  auto lead = store_.get_lead(*contact);
  if (!lead.ok()) return respond(http::error_response(lead.error()));
  auto stored = store_.conversation(*contact);
  if (!stored.ok()) return respond(http::error_response(stored.error()));
  json out = {{"contact_id", *contact}};
  if (*stored) {
    const json state = parsed_or_null((*stored)->state);
    const bots::Conversation conversation = bots::conversation_from_json(state);
    out["contact_id"] = (*stored)->contact;
    out["bot"] = std::string(bots::bot_name(conversation.bot));
    out["state"] = std::string(bots::state_name(conversation.state));
    out["role"] = std::string(bots::role_name(conversation.role));
    out["temperature"] = std::string(bots::temperature_name(conversation.temperature));
    out["pending_question"] = conversation.pending ? json(std::string(bots::group_name(*conversation.pending))) : json();
    out["language"] = conversation.language;
    out["slots"] = state.is_object() && state.contains("slots") ? state["slots"] : json::object();
    out["experiment_variants"] = state.is_object() && state.contains("variants") ? state["variants"] : json::object();
    out["paused"] = (*stored)->paused;
    out["sleep_until"] = (*stored)->sleep_until ? json(format_iso8601(*(*stored)->sleep_until)) : json();
    out["automated_texts"] = (*stored)->automated_count;
    out["updated_at"] = format_iso8601((*stored)->updated_at);
  } else {
    out["state"] = "none";  // the bot has not talked with this person yet
  }
  json messages = json::array();
  for (const auto& message : lead->interactions)
    messages.push_back({{"direction", std::string(direction_name(message.record.direction))},
                        {"text", message.record.body},
                        {"at", format_iso8601(message.record.occurred_at)},
                        {"message_id", message.record.external_id},
                        {"source", message.source},
                        {"author", message.record.author_user_id.empty() ? json() : json(message.record.author_source.empty()
                                                                                            ? "user"
                                                                                            : message.record.author_source)}});
  out["messages"] = messages;
  auto outbox = store_.outbox_for_contact(*contact);
  if (!outbox.ok()) return respond(http::error_response(outbox.error()));
  json scheduled = json::array();
  for (const auto& message : *outbox) {
    if (message.state != OutboxState::kPending && message.state != OutboxState::kSending) continue;
    json item = {{"id", message.id},
                 {"kind", std::string(queue::outbox_kind_name(message.kind))},
                 {"state", std::string(outbox_state_name(message.state))},
                 {"due_at", format_iso8601(message.due_at)},
                 {"reason", message.last_error}};
    if (message.kind == queue::OutboxKind::kSms) item["text"] = message.payload;
    scheduled.push_back(item);
  }
  out["scheduled"] = scheduled;
  auto turns = store_.bot_turns(*contact, 100);
  if (!turns.ok()) return respond(http::error_response(turns.error()));
  json history = json::array();
  for (const auto& turn : *turns)
    history.push_back({{"kind", turn.kind},
                       {"message_id", turn.message_id},
                       {"at", format_iso8601(turn.at)},
                       {"detail", parsed_or_null(turn.detail)}});
  out["turns"] = history;
  respond(http::json_response(200, out.dump(-1, ' ', false, json::error_handler_t::replace)));
}

void ConversationsApi::control(http::Request& request, http::Respond respond, bool pause) {
  const auto contact = request.path_id("contact_id");
  if (!contact) return respond(http::json_error(400, "invalid_argument", "contact id must be a positive number"));
  auto lead = store_.get_lead(*contact);
  if (!lead.ok()) return respond(http::error_response(lead.error()));
  auto stored = store_.conversation(*contact);
  if (!stored.ok()) return respond(http::error_response(stored.error()));
  const SystemTime now = clock_.now();
  bots::Conversation conversation;
  store::ConversationWrite write;
  write.contact = *contact;
  if (*stored) {
    conversation = bots::conversation_from_json(parsed_or_null((*stored)->state));
    write.expected_version = (*stored)->version;
    write.automated_count = (*stored)->automated_count;
    write.sleep_until = (*stored)->sleep_until;
  } else {
    conversation = bots::start_conversation(std::to_string(*contact), bots::Role::kUnknown);
    conversation.variants = bots::assign_variants(conversation.contact_id);
  }
  if (pause) {
    write.paused = true;
    write.cancel_pending = {"reply:", "follow-up:", "booking:"};
  } else {
    write.paused = false;
    write.sleep_until.reset();
    bots::resume_conversation(conversation);
  }
  write.state = bots::conversation_json(conversation).dump();
  write.turns.push_back({"", now, pause ? "pause" : "resume", json{{"by", "api"}}.dump()});
  if (Status written = store_.write_conversation(write, now); !written.ok()) {
    if (written.error().code == ErrorCode::kAborted)
      return respond(http::json_error(409, "conflict", "the conversation changed meanwhile: send the request again"));
    return respond(http::error_response(written.error()));
  }
  get(request, std::move(respond));
}

}  // namespace jorge::api
