#pragma once
// Reads a lead mailbox over IMAP: each new message is parsed (ingest/email) and committed as a
// lead, then marked \Seen, then the mailbox's last UID is saved; a crash anywhere in between
// only makes the message be read again, and its Message-ID key stores it once. A changed
// UIDVALIDITY voids the saved UID: the mailbox is read again from the start, deduplicated the
// same way. New mail is noticed within about a second by IDLE, or by polling every
// `poll` when the server has no IDLE.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "crm/imap/imap_client.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

struct EmailPollOptions {
  std::string source = "email";  // the [sources.NAME] it belongs to
  crm::ImapOptions imap;
  std::chrono::seconds poll{60};  // sources.NAME.poll_seconds
};

class EmailPoller {
 public:
  EmailPoller(store::Store& store, Clock& clock, EmailPollOptions options,
              std::function<queue::JobPlan(const InboundEvent&)> plan);
  ~EmailPoller();
  // One pass over the mailbox: returns how many messages were imported.
  Result<int> run_once();
  // Returns when new mail may be there: IDLE reported it, `poll` passed, or `stopping` was set.
  void wait(const std::atomic<bool>& stopping);

 private:
  Status import(uint32_t uid, int64_t uidvalidity, int& imported);

  store::Store& store_;
  Clock& clock_;
  EmailPollOptions options_;
  std::function<queue::JobPlan(const InboundEvent&)> plan_;
  std::string mailbox_key_;
  std::unique_ptr<crm::ImapSession> session_;
};

}  // namespace jorge::pipeline
