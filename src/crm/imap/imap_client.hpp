#pragma once
// A small IMAP4rev1 client (RFC 3501, IDLE from RFC 2177) over TLS (imaps://, certificate and
// host name verified) or plain TCP (imap://, for loopback tests). Only what reading a lead
// mailbox needs: SELECT, UID SEARCH, UID FETCH BODY.PEEK[] (which leaves \Seen alone), UID STORE
// +FLAGS (\Seen) and IDLE. libcurl's IMAP cannot PEEK or IDLE, hence this. Blocking; one
// session per thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace jorge::crm {

struct ImapOptions {
  std::string url;  // imaps://host[:993]/MAILBOX or imap://host[:143]/MAILBOX (INBOX when no path)
  std::string username, password;
  std::string ca_file;  // extra trusted CA (a private mail server); the system store otherwise
  std::chrono::seconds timeout{30};
};

struct ImapUrl {
  bool tls = true;
  std::string host;
  int port = 993;
  std::string mailbox = "INBOX";
};
// kInvalidArgument naming what is wrong.
Result<ImapUrl> parse_imap_url(std::string_view url);

class ImapSession {
 public:
  // Connects, starts TLS, logs in and SELECTs the mailbox. kUnavailable when the server cannot
  // be reached, kUnauthenticated when the login is refused.
  static Result<std::unique_ptr<ImapSession>> open(const ImapOptions& options);
  ~ImapSession();

  uint32_t uidvalidity() const { return uidvalidity_; }
  bool supports_idle() const { return idle_; }
  // UIDs of messages with UID >= first, ascending (the "n:*" quirk of returning the last UID
  // even when it is below n is filtered out).
  Result<std::vector<uint32_t>> uids_from(uint32_t first);
  // The whole message, without setting \Seen.
  Result<std::string> fetch(uint32_t uid);
  Status mark_seen(uint32_t uid);
  // IDLE until the server reports new mail or `wait` passes; true when mail arrived.
  Result<bool> wait_for_mail(std::chrono::seconds wait);
  void logout();

  struct Connection;

 private:
  explicit ImapSession(std::unique_ptr<Connection> connection);
  struct Reply {
    std::string status;                // OK, NO, BAD
    std::vector<std::string> untagged;  // "* ..." lines without the "* "
    std::vector<std::string> literals;  // {n} literals in order
  };
  Result<Reply> command(const std::string& text);

  std::unique_ptr<Connection> connection_;
  int next_tag_ = 1;
  uint32_t uidvalidity_ = 0;
  bool idle_ = false;
};

}  // namespace jorge::crm
