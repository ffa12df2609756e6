#pragma once
// The mailboxes role of the store: how far each lead mailbox has been read.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace jorge::store {

struct MailboxState {
  std::string mailbox;  // the source and account it belongs to ("email:leads@imap.example.com/INBOX")
  int64_t uidvalidity = 0, last_uid = 0;
};

class Mailboxes {
 public:
  virtual ~Mailboxes() = default;

  // How far a lead mailbox has been read: its UIDVALIDITY and the last UID imported.
  virtual Result<std::optional<MailboxState>> mailbox_state(const std::string& mailbox) = 0;

  virtual Status save_mailbox_state(const MailboxState& state, SystemTime now) = 0;
};

}  // namespace jorge::store
