#include "pipeline/outbox_sender.hpp"

#include <nlohmann/json.hpp>

#include "bots/booking.hpp"
#include "bots/compliance/quiet_hours.hpp"
#include "bots/compliance/time_zones.hpp"

namespace jorge::pipeline {

OutboxSender::OutboxSender(store::Store& store, Clock& clock, crm::GhlClient& ghl, crm::RateLimiter& limiter,
                           const queue::JobQueue& backoff, SenderOptions options)
    : store_(store), clock_(clock), ghl_(ghl), limiter_(limiter), backoff_(backoff), options_(std::move(options)) {}

Result<int> OutboxSender::run_once(const std::string& sender_id, int max_messages) {
  SystemTime now = clock_.now();
  JORGE_TRY(std::vector<queue::OutboxMessage> claimed,
            store_.claim_outbox(sender_id, now, now + options_.lease, max_messages));
  for (const queue::OutboxMessage& message : claimed) {
    Status handled = handle(message, sender_id);
    // A lost lease means another sender owns the message now; a STOP that won the race was
    // recorded on the message. Anything else is told (the message itself retries).
    if (!handled.ok() && handled.error().code != ErrorCode::kAborted &&
        handled.error().code != ErrorCode::kFailedPrecondition && options_.report)
      options_.report("sender.message", handled.error());
  }
  return static_cast<int>(claimed.size());
}

Status OutboxSender::handle(const queue::OutboxMessage& queued, const std::string& sender_id) {
  using Outcome = store::Store::OutboxOutcome;
  SystemTime now = clock_.now();
  queue::OutboxMessage message = queued;
  if (message.kind == queue::OutboxKind::kSms || message.kind == queue::OutboxKind::kTags ||
      message.kind == queue::OutboxKind::kTask || message.kind == queue::OutboxKind::kNote ||
      message.kind == queue::OutboxKind::kBooking) {
    JORGE_TRY(store::RecipientFacts lead, store_.recipient_facts(message.contact_id, "ghl"));
    // A lead who opted out since asking for a call gets no booking either (its text could not
    // go, and a call they cannot be told about helps nobody).
    if (message.kind == queue::OutboxKind::kBooking && (lead.sms_opt_out || lead.do_not_disturb))
      return store_.finish_outbox(message.id, sender_id, Outcome::kBlocked, now, "", "",
                                  lead.sms_opt_out ? "opted out" : "do not disturb");
    if (message.kind == queue::OutboxKind::kSms) {
      if (lead.sms_opt_out || lead.do_not_disturb)
        return store_.finish_outbox(message.id, sender_id, Outcome::kBlocked, now, "", "",
                                    lead.sms_opt_out ? "opted out" : "do not disturb");
      if (options_.quiet_hours == QuietHours::kUsStateRules) {
        bots::Recipient recipient{lead.state, lead.postal_code, std::nullopt};
        if (auto phone = Phone::parse(lead.phone); phone.ok()) recipient.phone = *phone;
        const bots::RecipientZones where = bots::zones_for(recipient);
        // Never a guess: with no zone, or zones whose windows never meet, a person decides
        // (the message is a dead letter, listed with why and retried from the API).
        if (where.zones.empty())
          return store_.finish_outbox(message.id, sender_id, Outcome::kDead, now, "", "",
                                      "time zone unknown: no area code, ZIP or state places the recipient; fix the "
                                      "contact's phone or address, then retry the message");
        std::optional<SystemTime> allowed = bots::next_allowed_send(now, where.zones);
        if (!allowed)
          return store_.finish_outbox(message.id, sender_id, Outcome::kDead, now, "", "",
                                      "no hour is allowed in every one of the recipient's time zones (" + where.sources +
                                          "); fix the contact's phone or address, then retry the message");
        if (*allowed > now)
          return store_.postpone_outbox(message.id, sender_id, *allowed, /*counts_as_attempt=*/false, "quiet hours");
        // Florida (FTSA): at most 3 texts Jorge initiates in 24 hours, the recipient's address or
        // number in Florida.
        if (where.florida && lead.third_last_text_at && *lead.third_last_text_at + std::chrono::hours(24) > now)
          return store_.postpone_outbox(message.id, sender_id, *lead.third_last_text_at + std::chrono::hours(24),
                                        /*counts_as_attempt=*/false, "Florida: at most 3 texts in 24 hours");
      }
    }
    // The person's GoHighLevel id as of now, by the one rule (store::OutreachFacts): a merge or
    // a duplicate record since the message was queued never splits a person's texts (#16).
    // Until GoHighLevel knows the person, the upsert ahead of the message gives the id.
    if (lead.crm_contact_id.empty())
      return store_.postpone_outbox(message.id, sender_id, now + std::chrono::seconds(2), /*counts_as_attempt=*/false,
                                    "waiting for the GoHighLevel contact");
    message.external_contact_id = lead.crm_contact_id;
  }
  // The team's chat is no GoHighLevel call: no rate limit of the location, no contact needed.
  if (message.kind == queue::OutboxKind::kNotify) {
    JORGE_TRY_STATUS(store_.mark_outbox_attempt(message.id, sender_id, now, now + options_.lease));
    return notify(message, sender_id);
  }
  // Every call to GoHighLevel, reconciliation included, spends from the location's budget;
  // all the calls this message may need are taken at once.
  const bool texts = message.kind == queue::OutboxKind::kSms || message.kind == queue::OutboxKind::kComplianceSms;
  const bool reconcile = texts && message.attempted_before;
  // A booking looks at the contact's appointments, lists the free slots, books, and lists again
  // if the slot went meanwhile.
  const int calls = message.kind == queue::OutboxKind::kBooking ? 4 : reconcile ? (message.conversation_id.empty() ? 3 : 2) : 1;
  // A hot lead's texts, and any answer to a lead who is writing right now (a reply, a booking and
  // its text), may use the reserve: they never wait behind a backlog of greetings and tags.
  const bool live = message.priority == 0 || message.purpose.rfind("reply:", 0) == 0 ||
                    message.purpose.rfind("booking", 0) == 0;
  if (auto delay = limiter_.try_acquire(options_.location_id, live, calls); delay.count() > 0)
    return store_.postpone_outbox(message.id, sender_id, now + delay, /*counts_as_attempt=*/false, "rate limit");
  if (reconcile) {
    // An earlier attempt's outcome is unknown (a crash or timeout mid-call): look in the
    // person's conversation before sending twice. If GoHighLevel cannot say, wait and ask
    // again rather than risk a duplicate.
    std::string conversation = message.conversation_id;
    if (conversation.empty()) {
      auto found = ghl_.find_conversation(message.external_contact_id);
      if (!found.ok()) return settle_failure(message, sender_id, found.error(), "reconcile");
      conversation = *found;
    }
    if (!conversation.empty()) {
      auto recent = ghl_.recent_messages(conversation);
      if (!recent.ok()) return settle_failure(message, sender_id, recent.error(), "reconcile");
      for (const auto& sent : *recent)
        if (sent.direction == "outbound" && sent.body == message.payload)
          return store_.finish_outbox(message.id, sender_id, Outcome::kSent, now, sent.id, conversation,
                                      "found in the conversation after an interrupted attempt");
    }
  }
  // The durable mark comes first: if we die during the call, the next sender reconciles. It
  // renews the lease: a long batch must not let the lease run out while this call is in flight.
  SystemTime sending_at = clock_.now();
  JORGE_TRY_STATUS(store_.mark_outbox_attempt(message.id, sender_id, sending_at, sending_at + options_.lease));
  return deliver(message, sender_id);
}

std::chrono::milliseconds OutboxSender::pause_location() {
  auto pause = ghl_.last_rate_limit().retry_after.value_or(ghl_.last_rate_limit().interval.value_or(options_.throttle_pause));
  limiter_.pause(options_.location_id, pause);
  return pause;
}

Status OutboxSender::settle_failure(const queue::OutboxMessage& message, const std::string& sender_id,
                                    const Error& error, const std::string& what) {
  using Outcome = store::Store::OutboxOutcome;
  SystemTime now = clock_.now();
  std::string note = what + ": " + std::string(error_code_name(error.code)) + ": " + error.message.substr(0, 300);
  if (error.code == ErrorCode::kResourceExhausted)  // throttled: nothing happened
    return store_.postpone_outbox(message.id, sender_id, now + pause_location(), /*counts_as_attempt=*/false, note);
  if (queue::retry_cannot_help(error.code) || message.attempts >= options_.max_attempts)
    return store_.finish_outbox(message.id, sender_id, Outcome::kDead, now, "", "", note);
  return store_.postpone_outbox(message.id, sender_id, now + backoff_.backoff(message.attempts),
                                /*counts_as_attempt=*/true, note);
}

Result<std::string> OutboxSender::upsert_body(ContactId contact) {
  JORGE_TRY(store::LeadDetail lead, store_.get_lead(contact));
  nlohmann::json body = nlohmann::json::object();
  auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) body[key] = value;
  };
  set("firstName", lead.first_name);
  set("lastName", lead.last_name);
  set("name", lead.summary.full_name);
  set("email", lead.summary.email);
  set("phone", lead.summary.phone);
  set("address1", lead.address);
  set("city", lead.city);
  set("state", lead.state);
  set("postalCode", lead.postal_code);
  set("source", lead.lead_source);
  body["tags"] = {"jorge"};
  return body.dump();
}

Status OutboxSender::deliver(const queue::OutboxMessage& message, const std::string& sender_id) {
  using Outcome = store::Store::OutboxOutcome;
  std::string remote_id, conversation_id;
  Status sent;
  if (message.kind == queue::OutboxKind::kBooking) return book(message, sender_id);
  if (message.kind == queue::OutboxKind::kUpsertContact) {
    auto contact = upsert_body(message.contact_id);
    if (!contact.ok()) return settle_failure(message, sender_id, contact.error(), "upsert");
    auto id = ghl_.upsert_contact(*contact);
    if (!id.ok()) return settle_failure(message, sender_id, id.error(), "upsert");
    JORGE_TRY_STATUS(store_.link_crm_contact(message.contact_id, "ghl", *id, clock_.now()));
    remote_id = *id;
  } else if (message.kind == queue::OutboxKind::kSms || message.kind == queue::OutboxKind::kComplianceSms) {
    // A compliance text (STOP confirmation, HELP) skipped the opt-out, DND and quiet-hours
    // checks above on purpose: the law asks for it at once.
    auto reply = ghl_.send_sms(message.external_contact_id, message.payload);
    if (reply.ok()) {
      remote_id = reply->message_id;
      conversation_id = reply->conversation_id;
    } else {
      sent = reply.error();
    }
  } else if (message.kind == queue::OutboxKind::kTask) {
    const nlohmann::json task = nlohmann::json::parse(message.payload, nullptr, false);
    if (!task.is_object()) return settle_failure(message, sender_id, Error{ErrorCode::kInvalidArgument, "task payload is not JSON"}, "task");
    const SystemTime due = clock_.now() + std::chrono::minutes(task.value("due_minutes", 15));
    // The contact's own agent when the task names one, else the team's owner.
    const std::string assignee = task.value("assigned_to", "");
    sent = ghl_.create_task(message.external_contact_id, task.value("title", ""), task.value("body", ""),
                            format_iso8601(due), assignee.empty() ? options_.owner_user_id : assignee);
  } else if (message.kind == queue::OutboxKind::kNote) {
    sent = ghl_.create_note(message.external_contact_id, message.payload);
  } else {
    std::vector<std::string> tags;
    for (size_t start = 0; start <= message.payload.size();) {
      size_t end = message.payload.find('\n', start);
      if (end == std::string::npos) end = message.payload.size();
      if (end > start) tags.push_back(message.payload.substr(start, end - start));
      start = end + 1;
    }
    sent = ghl_.add_tags(message.external_contact_id, tags);
  }
  if (!sent.ok()) return settle_failure(message, sender_id, sent.error(), "send");
  return store_.finish_outbox(message.id, sender_id, Outcome::kSent, clock_.now(), remote_id, conversation_id, "");
}

Status OutboxSender::book(const queue::OutboxMessage& message, const std::string& sender_id) {
  const nlohmann::json order = nlohmann::json::parse(message.payload, nullptr, false);
  if (!order.is_object() || !order.contains("calendar_id") || !order.contains("zone") || !order.contains("day"))
    return settle_failure(message, sender_id,
                          Error{ErrorCode::kInvalidArgument, "booking payload needs calendar_id, zone and day"}, "booking");
  const std::string calendar = order.value("calendar_id", ""), zone = order.value("zone", "America/Chicago");
  const std::string language = order.value("language", "en");
  const bots::Level level = bots::parse_level(order.value("level", "standard")).value_or(bots::Level::kStandard);
  bots::MeetingRequest asked;
  asked.day = order.value("day", int64_t{0});
  asked.start_minute = order.value("start_minute", 9 * 60);
  asked.end_minute = order.value("end_minute", 18 * 60);
  asked.exact = order.value("exact", false);
  const SystemTime now = clock_.now();
  const std::string contact = message.external_contact_id;

  nlohmann::json detail = {{"asked", {{"from", format_iso8601(bots::window_of(asked, zone).from)},
                                      {"to", format_iso8601(bots::window_of(asked, zone).to)},
                                      {"exact", asked.exact}}}};
  std::string appointment_id;
  std::string text;
  // 1. Booked already — by an earlier attempt whose answer was lost (POST is not idempotent),
  // or by a person of the team: that booking is the answer.
  auto existing = ghl_.contact_appointments(contact);
  if (!existing.ok()) return settle_failure(message, sender_id, existing.error(), "booking: appointments");
  for (const crm::Appointment& appointment : *existing) {
    SystemTime start;
    if (appointment.calendar_id != calendar || !parse_iso8601(appointment.start_time, start) || start < now ||
        appointment.status == "cancelled" || appointment.status == "invalid")
      continue;
    appointment_id = appointment.id;
    detail["outcome"] = "already_booked";
    detail["start"] = appointment.start_time;
    text = bots::booking_text("booking_confirmed", language, level, {start}, zone);
    break;
  }
  if (appointment_id.empty()) {
    // 2. The calendar a week either side of the day asked for (GoHighLevel lists at most 31
    // days), from now on; only slots far enough ahead for the lead to read the text first.
    const SystemTime day_start = bots::window_of(bots::MeetingRequest{asked.day, 0, 24 * 60, false}, zone).from;
    const SystemTime from = std::max(day_start - std::chrono::hours(24 * 7), now);
    const SystemTime to = std::max(day_start, from) + std::chrono::hours(24 * 7);
    auto list = [&]() -> Result<std::pair<std::vector<std::string>, std::vector<SystemTime>>> {
      JORGE_TRY(std::vector<std::string> listed, ghl_.free_slots(calendar, from, to, zone));
      std::pair<std::vector<std::string>, std::vector<SystemTime>> out;
      for (const std::string& slot : listed) {
        SystemTime at;
        if (parse_iso8601(slot, at) && at >= now + std::chrono::minutes(30)) {
          out.first.push_back(slot);
          out.second.push_back(at);
        }
      }
      return out;
    };
    auto slots = list();
    if (!slots.ok()) return settle_failure(message, sender_id, slots.error(), "booking: free slots");
    bots::SlotChoice choice = bots::choose_slot(asked, slots->second, zone);
    if (choice.book) {
      const std::string start = slots->first[*choice.book];  // a copy: the listing is read again below
      auto booked = ghl_.book_appointment(calendar, contact, start, order.value("title", "Call with Jorge"));
      if (booked.ok()) {
        appointment_id = booked->id;
        detail["outcome"] = "booked";
        detail["start"] = start;
        text = bots::booking_text("booking_confirmed", language, level, {slots->second[*choice.book]}, zone);
      } else if (booked.error().code == ErrorCode::kInvalidArgument) {
        // Taken between the listing and the booking (§2.4f): list again and offer others.
        detail["lost_slot"] = start;
        slots = list();
        if (!slots.ok()) return settle_failure(message, sender_id, slots.error(), "booking: free slots");
        for (size_t i = slots->first.size(); i-- > 0;)
          if (slots->first[i] == start) {
            slots->first.erase(slots->first.begin() + static_cast<std::ptrdiff_t>(i));
            slots->second.erase(slots->second.begin() + static_cast<std::ptrdiff_t>(i));
          }
        choice = bots::SlotChoice{std::nullopt, bots::nearest_slots(asked, slots->second, zone)};
      } else {
        return settle_failure(message, sender_id, booked.error(), "booking");
      }
    }
    if (appointment_id.empty()) {
      // 3. Not free (or taken meanwhile): the two free slots nearest the time asked.
      std::vector<SystemTime> offered;
      nlohmann::json listed = nlohmann::json::array();
      for (size_t i : choice.offer) {
        offered.push_back(slots->second[i]);
        listed.push_back(slots->first[i]);
      }
      detail["outcome"] = offered.empty() ? "full" : "offered";
      detail["offered"] = listed;
      text = bots::booking_text(offered.empty()         ? "booking_full"
                                : offered.size() == 1   ? "booking_offer_one"
                                                        : "booking_offer",
                                language, level, offered, zone);
    }
  }
  queue::OutboxMessage tell;
  tell.kind = queue::OutboxKind::kSms;
  tell.contact_id = message.contact_id;
  tell.external_contact_id = message.external_contact_id;
  tell.priority = 0;
  tell.payload = text;
  tell.due_at = clock_.now();
  tell.purpose = "booking-text:" + std::to_string(message.id);  // one text per booking, however often retried
  return store_.finish_booking(message.id, sender_id, clock_.now(), appointment_id, {tell},
                               {"", clock_.now(), "booking", detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

Status OutboxSender::notify(const queue::OutboxMessage& message, const std::string& sender_id) {
  using Outcome = store::Store::OutboxOutcome;
  if (options_.notify_url.empty())  // the setting was removed since: nothing to tell
    return store_.finish_outbox(message.id, sender_id, Outcome::kBlocked, clock_.now(), "", "", "team.notify_url is not set");
  auto reply = chat_.request("POST", options_.notify_url, {{"Content-Type", "application/json"}},
                             nlohmann::json{{"text", message.payload}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                             5'000, crm::HttpClient::Resend::kNever);
  if (!reply.ok()) return settle_failure(message, sender_id, reply.error(), "notify");
  if (reply->status == 429 || reply->status >= 500)
    return settle_failure(message, sender_id, Error{ErrorCode::kUnavailable, "team.notify_url: HTTP " + std::to_string(reply->status)},
                          "notify");
  if (reply->status < 200 || reply->status >= 300)
    return settle_failure(message, sender_id,
                          Error{ErrorCode::kInvalidArgument, "team.notify_url refused the message: HTTP " +
                                                                 std::to_string(reply->status) + "; check the webhook URL"},
                          "notify");
  return store_.finish_outbox(message.id, sender_id, Outcome::kSent, clock_.now(), "", "", "");
}

}  // namespace jorge::pipeline
