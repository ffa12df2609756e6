#include "pipeline/email_poller.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "core/bytes.hpp"
#include "ingest/email/lead_email.hpp"

namespace jorge::pipeline {

EmailPoller::EmailPoller(store::Store& store, Clock& clock, EmailPollOptions options,
                         std::function<queue::JobPlan(const InboundEvent&)> plan)
    : store_(store), clock_(clock), options_(std::move(options)), plan_(std::move(plan)) {
  // The account and folder (not the port, not the password): where the saved UID belongs.
  auto url = crm::parse_imap_url(options_.imap.url);
  mailbox_key_ = options_.source + ":" + options_.imap.username + "@" + (url.ok() ? url->host + "/" + url->mailbox
                                                                                  : options_.imap.url);
}

EmailPoller::~EmailPoller() {
  if (session_) session_->logout();
}

Result<int> EmailPoller::run_once() {
  if (!session_) {
    auto opened = crm::ImapSession::open(options_.imap);
    if (!opened.ok()) return opened.take_error();
    session_ = std::move(opened).value();
  }
  const int64_t uidvalidity = session_->uidvalidity();
  auto saved = store_.mailbox_state(mailbox_key_);
  if (!saved.ok()) return saved.take_error();
  int64_t last_uid = 0;
  if (saved->has_value()) {
    if ((*saved)->uidvalidity == uidvalidity) {
      last_uid = (*saved)->last_uid;
    } else {
      spdlog::warn("email source={}: UIDVALIDITY changed ({} -> {}): reading the mailbox again; Message-IDs keep "
                   "leads already imported from coming in twice",
                   options_.source, (*saved)->uidvalidity, uidvalidity);
    }
  }
  auto uids = session_->uids_from(static_cast<uint32_t>(last_uid + 1));
  if (!uids.ok()) {
    session_.reset();  // reconnect next time
    return uids.take_error();
  }
  int imported = 0;
  for (uint32_t uid : *uids) {
    Status done = import(uid, uidvalidity, imported);
    if (!done.ok()) {
      session_.reset();
      return done.error();
    }
  }
  return imported;
}

Status EmailPoller::import(uint32_t uid, int64_t uidvalidity, int& imported) {
  JORGE_TRY(std::string raw, session_->fetch(uid));
  auto parsed = ingest::parse_lead_email(raw, options_.source);
  InboundEvent event;
  if (parsed.ok()) {
    event = std::move(parsed).value();
  } else {
    // Not a lead we can read: kept (unrecognised) so nothing in the mailbox is silently lost.
    event.source = options_.source;
    event.event_type = "unreadable_email";
    event.recognised = false;
    event.idempotency_key = "sha256:" + sha256_hex(raw);
    spdlog::warn("email source={} uid={}: stored without a lead: {}", options_.source, uid, parsed.error().message);
  }
  queue::JobPlan plan = event.contact && plan_ ? plan_(event) : queue::JobPlan{};
  JORGE_TRY(store::IngestOutcome stored, store_.ingest(std::move(event), std::move(raw), plan));
  if (!stored.duplicate && parsed.ok()) ++imported;
  // Only now, with the lead committed: \Seen for the people reading the mailbox, then our mark.
  JORGE_TRY_STATUS(session_->mark_seen(uid));
  return store_.save_mailbox_state({mailbox_key_, uidvalidity, uid}, clock_.now());
}

void EmailPoller::wait(const std::atomic<bool>& stopping) {
  auto deadline = std::chrono::steady_clock::now() + options_.poll;
  while (!stopping && std::chrono::steady_clock::now() < deadline) {
    if (!session_ || !session_->supports_idle()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    // Short IDLE rounds, so a stop is not kept waiting; mail ends the wait at once.
    auto arrived = session_->wait_for_mail(std::chrono::seconds(1));
    if (!arrived.ok()) {
      session_.reset();
      return;
    }
    if (*arrived) return;
  }
}

}  // namespace jorge::pipeline
