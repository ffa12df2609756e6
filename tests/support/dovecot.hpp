#pragma once
// A real Dovecot IMAP server for tests, started on a free loopback port with one user and a
// Maildir under a temporary directory (the recipe of ../shared/DEPENDENCIES.md). Mail is
// delivered by writing files into the Maildir, as a local delivery agent does.
#include <string>
#include <vector>

#include "support/test_env.hpp"

namespace jorge::testing {

class Dovecot {
 public:
  // `tls`: implicit TLS only (imaps), with a self-signed certificate for "localhost" made at
  // start; ca_file() is that certificate.
  explicit Dovecot(bool tls = false);
  ~Dovecot();
  bool started() const { return port_ != 0; }
  const std::string& error() const { return error_; }
  std::string url() const {
    return tls_ ? "imaps://localhost:" + std::to_string(port_) + "/INBOX" : "imap://127.0.0.1:" + std::to_string(port_) + "/INBOX";
  }
  std::string ca_file() const { return dir_.file("cert.pem"); }
  static constexpr const char* kUser = "leads";
  static constexpr const char* kPassword = "mailbox-secret";
  // Puts `message` (RFC 5322 bytes, CRLF) into the mailbox as a new message.
  void deliver(const std::string& message);
  // How many messages carry the \Seen flag.
  int seen() const;
  // Makes the mailbox get a new UIDVALIDITY (as a rebuilt server does). Call while stopped.
  void renumber();
  void stop();
  void start();

 private:
  TempDir dir_;
  std::string maildir_;
  int port_ = 0;
  bool tls_ = false;
  int delivered_ = 0;
  std::string error_;
};

}  // namespace jorge::testing
