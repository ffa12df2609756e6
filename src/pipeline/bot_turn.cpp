#include "pipeline/bot_turn.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "bots/booking.hpp"
#include "bots/compliance/quiet_hours.hpp"
#include "bots/compliance/time_zones.hpp"
#include "bots/conversation_json.hpp"
#include "bots/slots_json.hpp"

namespace jorge::pipeline {
namespace {

// The texts the store's consent path sends itself, in the transaction that stores the STOP,
// START or HELP (#15): the engine's own would be a second one.
bool sent_by_consent_path(const std::string& template_key) {
  return template_key == "stop_confirm" || template_key == "start_confirm" || template_key == "help";
}

int priority_of(bots::Temperature temperature) {
  return temperature == bots::Temperature::kHot ? 0 : temperature == bots::Temperature::kWarm ? 1 : 2;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What the agent reads in GoHighLevel when the bot hands over: why, how warm, what it learnt,
// what the lead last wrote.
std::string handoff_summary(const bots::Turn& turn, const store::OutreachFacts& lead) {
  std::string text = "Jorge's bot handed this lead over: " + *turn.handoff + ".\nTemperature: " +
                     std::string(bots::temperature_name(turn.temperature)) + " (score " + std::to_string(turn.score) + ").\n";
  const nlohmann::json slots = bots::slots_json(turn.conversation.slots);
  if (!slots.empty()) {
    text += "What the lead said:";
    for (const auto& [name, value] : slots.items()) text += "\n- " + name + ": " + (value.is_string() ? value.get<std::string>() : value.dump());
    text += "\n";
  }
  if (turn.task) text += "To do: " + *turn.task + "\n";
  if (!lead.inbound_texts.empty()) {
    const std::string& all = lead.inbound_texts;
    text += "Last messages: " + (all.size() > 400 ? "…" + all.substr(all.size() - 400) : all) + "\n";
  }
  return text;
}

// The zone a call's time is read and told in: the first of the lead's zones, else the team's.
std::string zone_of(const bots::LeadFacts& facts) { return facts.zones.empty() ? "America/Chicago" : facts.zones.front(); }

// #19: the lead answers the handoff's "what time works" — a time to book on the team's
// calendar, or one of two slots offered before. The outcome of the last booking (kept by the
// sender as a "booking" turn) says whether a call is booked already and what was offered.
Status add_booking_order(store::ConversationStore& store, const store::OutreachFacts& lead, const bots::Turn& turn,
                         const bots::LeadFacts& facts, const std::string& text, SystemTime message_at, SystemTime due,
                         const std::string& message_id, const BotOptions& options, nlohmann::json& detail,
                         store::JobEffects& effects, store::ConversationWrite& write) {
  const std::string zone = zone_of(facts);
  JORGE_TRY(std::vector<store::BotTurnRecord> turns, store.bot_turns(lead.id, 50));
  std::vector<SystemTime> offered;
  for (const store::BotTurnRecord& record : turns) {  // newest first
    if (record.kind != "booking") continue;
    const nlohmann::json last = nlohmann::json::parse(record.detail, nullptr, false);
    const std::string outcome = last.is_object() ? last.value("outcome", "") : "";
    if (outcome == "booked" || outcome == "already_booked") {
      detail["booking"] = "booked already: the agent takes it from here";
      return ok_status();
    }
    if (outcome == "offered" && last.contains("offered") && last["offered"].is_array())
      for (const auto& slot : last["offered"]) {
        SystemTime at;
        if (slot.is_string() && parse_iso8601(slot.get<std::string>(), at)) offered.push_back(at);
      }
    break;
  }
  std::optional<bots::MeetingRequest> asked;
  if (const auto picked = bots::pick_offered(text, offered, zone, message_at)) {
    const SystemTime local = bots::local_wall_time(offered[*picked], zone);
    const int64_t millis = to_unix_millis(local);
    const int minute = static_cast<int>(millis % 86'400'000 / 60'000);
    asked = bots::MeetingRequest{millis / 86'400'000, minute, minute + 1, true};
  } else {
    asked = bots::parse_meeting_time(text, bots::local_wall_time(message_at, zone));
  }
  if (!asked) {
    detail["booking"] = "no time read: the agent has the task";
    return ok_status();
  }
  queue::OutboxMessage order;
  order.kind = queue::OutboxKind::kBooking;
  order.contact_id = lead.id;
  order.external_contact_id = lead.crm_contact_id;
  order.priority = 0;
  order.due_at = due;
  order.purpose = "booking:" + message_id;
  const std::string who = lead.first_name.empty() ? "the lead" : lead.first_name;
  order.payload = nlohmann::json{{"calendar_id", options.calendar_id},
                                 {"zone", zone},
                                 {"language", turn.conversation.language},
                                 {"level", std::string(bots::level_name(turn.conversation.variants.level))},
                                 {"day", asked->day},
                                 {"start_minute", asked->start_minute},
                                 {"end_minute", asked->end_minute},
                                 {"exact", asked->exact},
                                 {"title", "Call with " + who + " (booked by Jorge's bot)"}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  effects.messages.push_back(order);
  write.cancel_pending.push_back("booking:");  // a newer answer replaces one not yet booked
  const auto local_minute = [](int minute) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", minute / 60 % 24, minute % 60);
    return std::string(text);
  };
  detail["booking"] = {{"asked_day", format_iso8601(from_unix_millis(asked->day * 86'400'000)).substr(0, 10)},
                       {"asked_from", local_minute(asked->start_minute)},
                       {"asked_to", local_minute(asked->end_minute)},
                       {"exact", asked->exact},
                       {"zone", zone},
                       {"due_at", format_iso8601(due)}};
  return ok_status();
}

}  // namespace

void add_follow_ups(const bots::Conversation& conversation, const bots::LeadFacts& facts, const BotOptions& options,
                    const store::OutreachFacts& lead, const std::string& anchor, SystemTime anchor_at, bool answered,
                    store::JobEffects& effects) {
  if (lead.sms_opt_out || lead.do_not_disturb) return;
  std::vector<int> days = options.followup_days;
  if (answered && options.followup_every_days > 0 && !days.empty())
    for (int day = days.back() + options.followup_every_days; day <= options.followup_horizon_days;
         day += options.followup_every_days)
      days.push_back(day);
  for (size_t n = 0; n < days.size(); ++n) {
    const auto text = bots::follow_up(conversation, facts, options.engine, static_cast<int>(n));
    if (!text) return;
    queue::OutboxMessage message;
    message.kind = queue::OutboxKind::kSms;
    message.contact_id = lead.id;
    message.external_contact_id = lead.crm_contact_id;
    message.priority = 2;
    message.payload = text->text;
    message.due_at = anchor_at + std::chrono::hours(24 * days[n]);
    message.purpose = "follow-up:" + anchor + ":" + std::to_string(days[n]);
    effects.messages.push_back(std::move(message));
  }
}

Status add_appointment_effects(store::ConversationStore& store, const store::OutreachFacts& lead, const BotOptions& options,
                               SystemTime now, store::JobEffects& effects) {
  if (!options.enabled) return ok_status();
  JORGE_TRY(std::optional<store::StoredConversation> stored, store.conversation(lead.id));
  store::ConversationWrite write;
  write.contact = lead.id;
  bots::Conversation conversation;
  if (stored) {
    conversation = bots::conversation_from_json(nlohmann::json::parse(stored->state, nullptr, false));
    write.expected_version = stored->version;
    write.paused = stored->paused;
    write.sleep_until = stored->sleep_until;
    write.automated_count = stored->automated_count;
  } else {
    conversation = bots::start_conversation(std::to_string(lead.id), bots::Role::kUnknown);
    conversation.variants = bots::assign_variants(conversation.contact_id);
  }
  write.state = bots::conversation_json(conversation).dump();
  write.cancel_pending = {"follow-up:"};
  write.turns.push_back({"", now, "appointment", nlohmann::json{{"follow_ups", "stopped"}}.dump()});
  effects.conversation = std::move(write);
  return ok_status();
}

Status add_handoff_release(store::Store& store, const store::OutreachFacts& lead, const BotOptions& options,
                           SystemTime now, store::JobEffects& effects) {
  if (!options.enabled) return ok_status();
  JORGE_TRY(std::optional<store::StoredConversation> stored, store.conversation(lead.id));
  if (!stored) return ok_status();
  bots::Conversation conversation = bots::conversation_from_json(nlohmann::json::parse(stored->state, nullptr, false));
  if (conversation.state != bots::State::kHandedOff) return ok_status();
  JORGE_TRY(store::LeadDetail detail, store.get_lead(lead.id));
  if (std::find(detail.tags.begin(), detail.tags.end(), "jorge-handoff") != detail.tags.end()) return ok_status();
  JORGE_TRY(std::vector<queue::OutboxMessage> queued, store.outbox_for_contact(lead.id));
  const bool tagged = std::any_of(queued.begin(), queued.end(), [](const queue::OutboxMessage& message) {
    return message.kind == queue::OutboxKind::kTags && message.state == OutboxState::kSent &&
           message.payload.find("jorge-handoff") != std::string::npos;
  });
  if (!tagged) return ok_status();
  bots::resume_conversation(conversation);
  store::ConversationWrite write;
  write.contact = lead.id;
  write.expected_version = stored->version;
  write.paused = stored->paused;
  write.sleep_until = stored->sleep_until;
  write.automated_count = stored->automated_count;
  write.state = bots::conversation_json(conversation).dump();
  write.turns.push_back({"", now, "resume", nlohmann::json{{"by", "the tag jorge-handoff was removed in GoHighLevel"}}.dump()});
  effects.conversation = std::move(write);
  return ok_status();
}

Status add_bot_effects(store::ConversationStore& store, const queue::Job& job, const store::OutreachFacts& lead,
                       bots::Role role_hint, const BotOptions& options, SystemTime now, store::JobEffects& effects) {
  if (!options.enabled || !job.interaction_id) return ok_status();
  JORGE_TRY(store::StoredMessage message, store.message(*job.interaction_id));
  if (!message.record.channel.empty() && message.record.channel != "SMS") return ok_status();
  JORGE_TRY(std::optional<store::StoredConversation> stored, store.conversation(lead.id));
  bots::Conversation conversation;
  if (stored) {
    conversation = bots::conversation_from_json(nlohmann::json::parse(stored->state, nullptr, false));
  } else {
    conversation = bots::start_conversation(std::to_string(lead.id), role_hint);
    conversation.variants = bots::assign_variants(conversation.contact_id);
  }
  store::ConversationWrite write;
  write.contact = lead.id;
  if (stored) {
    write.expected_version = stored->version;
    write.paused = stored->paused;
    write.sleep_until = stored->sleep_until;
    write.automated_count = stored->automated_count;
  }
  const std::string message_id =
      message.record.external_id.empty() ? "i" + std::to_string(message.id) : message.record.external_id;

  if (message.record.direction == Direction::kOutbound) {
    // §2.4g: a person of the team wrote (a user's message that Jorge did not send; Jorge's own
    // echoes make no job). A workflow's message is an automation: the bot goes on.
    if (message.record.author_user_id.empty() || message.record.author_source == "workflow") return ok_status();
    write.sleep_until = now + std::chrono::hours(options.human_sleep_hours);
    write.cancel_pending = {"reply:", "follow-up:", "booking:"};
    write.state = bots::conversation_json(conversation).dump();
    write.turns.push_back({message_id, now, "sleep",
                           nlohmann::json{{"reason", "a person of the team wrote"},
                                          {"until", format_iso8601(*write.sleep_until)}}
                               .dump()});
    effects.conversation = std::move(write);
    return ok_status();
  }

  bots::LeadFacts facts;
  facts.first_name = lead.first_name;
  bots::Recipient recipient{lead.state, lead.postal_code, std::nullopt};
  if (auto phone = Phone::parse(lead.phone); phone.ok()) recipient.phone = *phone;
  facts.zones = bots::zones_for(recipient).zones;
  const bots::Turn turn =
      bots::take_turn(conversation, {message_id, message.record.body, message.record.occurred_at}, facts, options.engine);
  if (turn.repeated) return ok_status();  // taken before: a redelivery or a retried job
  write.state = bots::conversation_json(turn.conversation).dump();
  // The newest message is the one answered: a reply still waiting for an older one goes, and so
  // does any follow-up (the lead is talking).
  write.cancel_pending = {"reply:", "follow-up:"};

  std::string silent;  // why the bot queues nothing, if it does not
  if (options.sources_off.count(lead.lead_source)) silent = "the lead's source is kept away from the bot";
  else if (write.paused) silent = "paused by the team";
  else if (write.sleep_until && *write.sleep_until > now) silent = "asleep: a person of the team wrote";

  nlohmann::json detail = {{"intent", std::string(bots::intent_name(turn.intent))},
                           {"temperature", std::string(bots::temperature_name(turn.temperature))},
                           {"score", turn.score},
                           {"state", std::string(bots::state_name(turn.conversation.state))}};
  nlohmann::json changed = nlohmann::json::array();
  for (const auto& change : turn.changes) changed.push_back(std::string(bots::slot_name(change.slot)));
  detail["slots_changed"] = changed;
  if (turn.handoff) detail["handoff"] = *turn.handoff;
  if (turn.task) detail["task"] = *turn.task;

  if (turn.reply && !sent_by_consent_path(turn.reply->template_key)) {
    detail["template"] = turn.reply->template_key;
    detail["writer"] = turn.reply->writer;
    detail["experiment_variants"] = {{"greeting", turn.conversation.variants.greeting},
                                     {"question_order", turn.conversation.variants.question_order},
                                     {"response_speed", turn.conversation.variants.response_speed},
                                     {"level", std::string(bots::level_name(turn.conversation.variants.level))}};
    std::string why_not = silent;
    if (why_not.empty() && lead.sms_opt_out) why_not = "opted out";
    if (why_not.empty() && lead.do_not_disturb) why_not = "do not disturb";
    if (why_not.empty() && write.automated_count >= options.max_messages_per_contact) why_not = "message cap";
    if (why_not.empty()) {
      queue::OutboxMessage reply;
      reply.kind = queue::OutboxKind::kSms;
      reply.contact_id = lead.id;
      reply.external_contact_id = lead.crm_contact_id;
      reply.priority = priority_of(turn.temperature);
      reply.payload = turn.reply->text;
      // bots.reply_delay after the message, or later when quiet hours or the experiment's
      // response speed say so.
      // From when the message reached Jorge (its job's creation), or from when GoHighLevel says it
      // was written if that is later.
      reply.due_at = std::max(message.record.occurred_at, job.created_at) + options.reply_delay;
      if (options.quiet_hours) reply.due_at = std::max(reply.due_at, turn.reply->send_at);
      reply.purpose = "reply:" + message_id;
      effects.messages.push_back(reply);
      ++write.automated_count;
      detail["reply_due_at"] = format_iso8601(reply.due_at);
      if (write.automated_count == options.max_messages_per_contact) {
        // §2.4g: the bot stops at the cap; a person takes the conversation from here.
        queue::OutboxMessage task;
        task.kind = queue::OutboxKind::kTask;
        task.contact_id = lead.id;
        task.external_contact_id = lead.crm_contact_id;
        task.priority = queue::kBookkeepingPriority;
        task.purpose = "bot-cap-task";
        task.payload = nlohmann::json{{"title", "Jorge's bot reached its message limit: take over the conversation"},
                                      {"body", "The bot sent " + std::to_string(write.automated_count) +
                                                   " automated texts and is now silent for this contact."},
                                      {"due_minutes", options.handoff_task_minutes},
                                      {"assigned_to", lead.assigned_user}}
                           .dump();
        effects.messages.push_back(task);
        write.turns.push_back({message_id, now, "cap", nlohmann::json{{"messages", write.automated_count}}.dump()});
      }
    } else {
      detail["silent"] = why_not;
    }
  } else if (!silent.empty()) {
    detail["silent"] = silent;
  }

  // The answer to a handoff's "what time works", when the team's calendar is connected.
  if (silent.empty() && !options.calendar_id.empty() && conversation.state == bots::State::kHandedOff &&
      conversation.asked_call_time && turn.conversation.state == bots::State::kHandedOff && !lead.sms_opt_out &&
      !lead.do_not_disturb) {
    const SystemTime received = std::max(message.record.occurred_at, job.created_at);
    JORGE_TRY_STATUS(add_booking_order(store, lead, turn, facts, message.record.body, received,
                                       received + options.reply_delay, message_id, options, detail, effects, write));
  }

  if (turn.handoff && silent.empty()) {
    // §9.2: the agent gets the tags, a task due soon and a note with what the bot learnt. They
    // never text the lead, so they go to an opted-out lead too.
    queue::OutboxMessage tags;
    tags.kind = queue::OutboxKind::kTags;
    tags.contact_id = lead.id;
    tags.external_contact_id = lead.crm_contact_id;
    tags.priority = queue::kBookkeepingPriority;
    tags.purpose = "handoff-tags:" + message_id;
    tags.payload = "jorge-handoff\njorge-" + lower(bots::temperature_name(turn.temperature));
    effects.messages.push_back(tags);
    const std::string summary = handoff_summary(turn, lead);
    queue::OutboxMessage task = tags;
    task.kind = queue::OutboxKind::kTask;
    task.priority = priority_of(turn.temperature);
    task.purpose = "handoff-task:" + message_id;
    const std::string who = lead.first_name.empty() ? "the lead" : lead.first_name;
    // The person's own agent in GoHighLevel, else the team's owner (the sender's default).
    task.payload = nlohmann::json{{"title", "Call " + who + " back: " + *turn.handoff},
                                  {"body", summary},
                                  {"due_minutes", options.handoff_task_minutes},
                                  {"assigned_to", lead.assigned_user}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    effects.messages.push_back(task);
    queue::OutboxMessage note = tags;
    note.kind = queue::OutboxKind::kNote;
    note.purpose = "handoff-note:" + message_id;
    note.payload = summary;
    effects.messages.push_back(note);
    if (options.notify_team) {
      queue::OutboxMessage chat = note;
      chat.kind = queue::OutboxKind::kNotify;
      chat.purpose = "handoff-notify:" + message_id;
      chat.payload = (lead.first_name.empty() ? std::string("A lead") : lead.first_name) + " (contact " +
                     std::to_string(lead.id) + ") — " + summary;
      effects.messages.push_back(chat);
    }
  }
  // The lead went quiet from here: the follow-ups of §6, until they write again.
  if (silent.empty()) {
    const size_t before = effects.messages.size();
    add_follow_ups(turn.conversation, facts, options, lead, message_id, std::max(message.record.occurred_at, job.created_at),
                   /*answered=*/true, effects);
    if (effects.messages.size() > before)
      detail["follow_ups"] = {{"first_due_at", format_iso8601(effects.messages[before].due_at)},
                              {"count", effects.messages.size() - before}};
  }
  write.turns.push_back({message_id, now, "turn", detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  effects.conversation = std::move(write);
  return ok_status();
}

}  // namespace jorge::pipeline
