#include "crm/imap/imap_client.hpp"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <thread>

namespace jorge::crm {
namespace {

Error unavailable(std::string message) { return Error{ErrorCode::kUnavailable, "imap: " + std::move(message)}; }

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != std::toupper(static_cast<unsigned char>(prefix[i]))) return false;
  return true;
}

}  // namespace

Result<ImapUrl> parse_imap_url(std::string_view url) {
  ImapUrl parsed;
  if (url.rfind("imaps://", 0) == 0) {
    url.remove_prefix(8);
  } else if (url.rfind("imap://", 0) == 0) {
    parsed.tls = false;
    parsed.port = 143;
    url.remove_prefix(7);
  } else {
    return Error{ErrorCode::kInvalidArgument, "imap_url must start with imaps:// (or imap:// on a trusted network)"};
  }
  size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < url.size()) parsed.mailbox = std::string(url.substr(slash + 1));
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    int port = 0;
    auto [end, error] = std::from_chars(authority.data() + colon + 1, authority.data() + authority.size(), port);
    if (error != std::errc() || end != authority.data() + authority.size() || port <= 0 || port > 65535)
      return Error{ErrorCode::kInvalidArgument, "imap_url has a bad port"};
    parsed.port = port;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return Error{ErrorCode::kInvalidArgument, "imap_url has no host"};
  parsed.host = std::string(authority);
  return parsed;
}

// A socket, TLS or not, with line and literal reads.
struct ImapSession::Connection {
  int fd = -1;
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  std::string buffer;

  ~Connection() {
    if (ssl) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
    if (context) SSL_CTX_free(context);
    if (fd >= 0) ::close(fd);
  }

  Status send(const std::string& text) {
    size_t sent = 0;
    while (sent < text.size()) {
      int n = ssl ? SSL_write(ssl, text.data() + sent, static_cast<int>(text.size() - sent))
                  : static_cast<int>(::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL));
      if (n <= 0) return unavailable("the server closed the connection while we wrote");
      sent += static_cast<size_t>(n);
    }
    return ok_status();
  }

  // More bytes into the buffer; false on close, error or timeout.
  bool fill() {
    char chunk[16384];
    int n = ssl ? SSL_read(ssl, chunk, sizeof chunk) : static_cast<int>(::recv(fd, chunk, sizeof chunk, 0));
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

  // Whether bytes can be read within `wait` (TLS may hold decrypted bytes already).
  bool readable(std::chrono::milliseconds wait) {
    if (!buffer.empty() || (ssl && SSL_pending(ssl) > 0)) return true;
    pollfd descriptor{fd, POLLIN, 0};
    return ::poll(&descriptor, 1, static_cast<int>(wait.count())) > 0;
  }

  Result<std::string> read_line() {
    size_t end;
    while ((end = buffer.find("\r\n")) == std::string::npos) {
      if (buffer.size() > (1u << 20)) return unavailable("a response line longer than 1 MiB");
      if (!fill()) return unavailable("the server closed the connection or did not answer in time");
    }
    std::string line = buffer.substr(0, end);
    buffer.erase(0, end + 2);
    return line;
  }

  Result<std::string> read_bytes(size_t count) {
    while (buffer.size() < count)
      if (!fill()) return unavailable("the connection ended inside a message");
    std::string bytes = buffer.substr(0, count);
    buffer.erase(0, count);
    return bytes;
  }
};

ImapSession::ImapSession(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}

ImapSession::~ImapSession() = default;

Result<std::unique_ptr<ImapSession>> ImapSession::open(const ImapOptions& options) {
  JORGE_TRY(ImapUrl url, parse_imap_url(options.url));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int failed = getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &found); failed != 0)
    return unavailable("cannot resolve " + url.host + ": " + gai_strerror(failed));
  auto connection = std::make_unique<Connection>();
  for (addrinfo* address = found; address && connection->fd < 0; address = address->ai_next) {
    int fd = ::socket(address->ai_family, address->ai_socktype, address->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{static_cast<time_t>(options.timeout.count()), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0) connection->fd = fd;
    else ::close(fd);
  }
  freeaddrinfo(found);
  if (connection->fd < 0) return unavailable("cannot connect to " + url.host + ":" + std::to_string(url.port));
  if (url.tls) {
    connection->context = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(connection->context, TLS1_2_VERSION);
    SSL_CTX_set_verify(connection->context, SSL_VERIFY_PEER, nullptr);
    if (!options.ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(connection->context, options.ca_file.c_str(), nullptr) != 1)
        return Error{ErrorCode::kInvalidArgument, "imap: cannot read the CA file " + options.ca_file};
    } else {
      SSL_CTX_set_default_verify_paths(connection->context);
    }
    connection->ssl = SSL_new(connection->context);
    SSL_set_fd(connection->ssl, connection->fd);
    SSL_set_tlsext_host_name(connection->ssl, url.host.c_str());
    SSL_set1_host(connection->ssl, url.host.c_str());
    if (SSL_connect(connection->ssl) != 1) {
      long verified = SSL_get_verify_result(connection->ssl);
      return unavailable("TLS with " + url.host + " failed" +
                         (verified != X509_V_OK ? std::string(": ") + X509_verify_cert_error_string(verified) : ""));
    }
  }
  JORGE_TRY(std::string greeting, connection->read_line());
  if (!starts_with_ci(greeting, "* OK")) return unavailable("the server did not greet with OK");
  std::unique_ptr<ImapSession> session(new ImapSession(std::move(connection)));
  JORGE_TRY(Reply capabilities, session->command("CAPABILITY"));
  for (const auto& line : capabilities.untagged)
    if (starts_with_ci(line, "CAPABILITY") && line.find(" IDLE") != std::string::npos) session->idle_ = true;
  JORGE_TRY(Reply login, session->command("LOGIN " + quoted(options.username) + " " + quoted(options.password)));
  if (login.status != "OK")
    return Error{ErrorCode::kUnauthenticated, "imap: the server refused the login for the configured user"};
  JORGE_TRY(Reply selected, session->command("SELECT " + quoted(url.mailbox)));
  if (selected.status != "OK") return Error{ErrorCode::kNotFound, "imap: no mailbox \"" + url.mailbox + "\""};
  for (const auto& line : selected.untagged)
    if (size_t at = line.find("[UIDVALIDITY "); at != std::string::npos)
      session->uidvalidity_ = static_cast<uint32_t>(std::strtoul(line.c_str() + at + 13, nullptr, 10));
  return session;
}

Result<ImapSession::Reply> ImapSession::command(const std::string& text) {
  std::string tag = "J" + std::to_string(next_tag_++);
  JORGE_TRY_STATUS(connection_->send(tag + " " + text + "\r\n"));
  Reply reply;
  while (true) {
    JORGE_TRY(std::string line, connection_->read_line());
    // A literal "{n}" ends the line: n raw bytes follow, then the rest of the response.
    while (line.size() > 2 && line.back() == '}') {
      size_t open = line.rfind('{');
      if (open == std::string::npos) break;
      size_t count = std::strtoul(line.c_str() + open + 1, nullptr, 10);
      if (count > (64u << 20)) return unavailable("a message larger than 64 MiB");
      JORGE_TRY(std::string literal, connection_->read_bytes(count));
      reply.literals.push_back(std::move(literal));
      JORGE_TRY(std::string rest, connection_->read_line());
      line = line.substr(0, open) + "{}" + rest;
    }
    if (line.rfind("* ", 0) == 0) {
      reply.untagged.push_back(line.substr(2));
    } else if (line.rfind(tag + " ", 0) == 0) {
      std::string status = line.substr(tag.size() + 1, line.find(' ', tag.size() + 1) - tag.size() - 1);
      reply.status = status;
      if (status == "BAD") return Error{ErrorCode::kInternal, "imap: the server did not understand: " + text.substr(0, 12)};
      return reply;
    }
  }
}

Result<std::vector<uint32_t>> ImapSession::uids_from(uint32_t first) {
  JORGE_TRY(Reply reply, command("UID SEARCH UID " + std::to_string(std::max<uint32_t>(first, 1)) + ":*"));
  if (reply.status != "OK") return unavailable("UID SEARCH failed");
  std::vector<uint32_t> uids;
  for (const auto& line : reply.untagged) {
    if (!starts_with_ci(line, "SEARCH")) continue;
    const char* at = line.c_str() + 6;
    char* end = nullptr;
    while (true) {
      unsigned long uid = std::strtoul(at, &end, 10);
      if (end == at) break;
      if (uid >= first) uids.push_back(static_cast<uint32_t>(uid));
      at = end;
    }
  }
  std::sort(uids.begin(), uids.end());
  return uids;
}

Result<std::string> ImapSession::fetch(uint32_t uid) {
  JORGE_TRY(Reply reply, command("UID FETCH " + std::to_string(uid) + " (BODY.PEEK[])"));
  if (reply.status != "OK" || reply.literals.empty())
    return Error{ErrorCode::kNotFound, "imap: message UID " + std::to_string(uid) + " is gone"};
  return std::move(reply.literals.front());
}

Status ImapSession::mark_seen(uint32_t uid) {
  JORGE_TRY(Reply reply, command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (\\Seen)"));
  if (reply.status != "OK") return unavailable("UID STORE failed");
  return ok_status();
}

Result<bool> ImapSession::wait_for_mail(std::chrono::seconds wait) {
  if (!idle_) {  // a server without IDLE is polled
    std::this_thread::sleep_for(wait);
    return false;
  }
  std::string tag = "J" + std::to_string(next_tag_++);
  JORGE_TRY_STATUS(connection_->send(tag + " IDLE\r\n"));
  JORGE_TRY(std::string accepted, connection_->read_line());
  if (accepted.rfind("+", 0) != 0) return unavailable("the server refused IDLE");
  bool arrived = false;
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (!arrived && std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!connection_->readable(std::max(left, std::chrono::milliseconds(1)))) break;
    JORGE_TRY(std::string line, connection_->read_line());
    arrived = line.find(" EXISTS") != std::string::npos || line.find(" RECENT") != std::string::npos;
  }
  JORGE_TRY_STATUS(connection_->send("DONE\r\n"));
  while (true) {
    JORGE_TRY(std::string line, connection_->read_line());
    if (line.find(" EXISTS") != std::string::npos) arrived = true;
    if (line.rfind(tag + " ", 0) == 0) break;
  }
  return arrived;
}

void ImapSession::logout() {
  auto ignored = command("LOGOUT");
  (void)ignored;
}

}  // namespace jorge::crm
