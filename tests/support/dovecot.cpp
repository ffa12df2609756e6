#include "support/dovecot.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace jorge::testing {
namespace {

constexpr uid_t kMailUser = 65534;  // the userdb uid: Dovecot refuses mail owned by anyone else

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

void own(const std::string& path) {
  namespace fs = std::filesystem;
  if (::chown(path.c_str(), kMailUser, kMailUser) != 0) return;
  if (fs::is_directory(path))
    for (const auto& entry : fs::recursive_directory_iterator(path))
      (void)::chown(entry.path().c_str(), kMailUser, kMailUser);
}

}  // namespace

Dovecot::Dovecot(bool tls) : tls_(tls) {
  namespace fs = std::filesystem;
  maildir_ = dir_.file("mail/") + kUser;
  // Dovecot's auth and mail processes run as other users: they must reach into the directory.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
  for (const char* sub : {"base", "state"}) fs::create_directories(dir_.file(sub));
  for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(maildir_ + "/" + sub);
  own(dir_.file("mail"));
  write_file(dir_.file("passwd"), std::string(kUser) + ":{PLAIN}" + kPassword + "\n");
  if (tls_) {
    std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " + dir_.file("key.pem") +
                          " -out " + dir_.file("cert.pem") + " > " + dir_.file("openssl.log") + " 2>&1";
    if (std::system(command.c_str()) != 0) {
      error_ = "openssl could not make a certificate: " + read_file(dir_.file("openssl.log"));
      return;
    }
  }
  start();
}

void Dovecot::start() {
  int port = free_port();
  const std::string& d = dir_.path();
  write_file(dir_.file("dovecot.conf"),
             "protocols = imap\nlisten = 127.0.0.1\nbase_dir = " + d + "/base\nstate_dir = " + d +
                 "/state\nlog_path = " + d + "/dovecot.log\n" +
                 (tls_ ? "ssl = required\nssl_cert = <" + d + "/cert.pem\nssl_key = <" + d + "/key.pem\n"
                       : "ssl = no\n") +
                 "disable_plaintext_auth = no\n"
                 "auth_mechanisms = plain login\nmail_location = maildir:" + d + "/mail/%u\n"
                 "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + d + "/passwd\n}\n"
                 "userdb {\n  driver = static\n  args = uid=65534 gid=65534 home=" + d + "/mail/%u\n}\n"
                 "service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = " +
                 (tls_ ? "0" : std::to_string(port)) + "\n  }\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = " +
                 (tls_ ? std::to_string(port) + "\n    ssl = yes" : std::string("0")) + "\n  }\n}\n"
                 "service auth {\n  unix_listener auth-userdb {\n    mode = 0666\n  }\n}\n");
  std::string command = "dovecot -c " + dir_.file("dovecot.conf") + " > " + dir_.file("start.log") + " 2>&1";
  if (std::system(command.c_str()) != 0) {
    error_ = "dovecot did not start (is dovecot-imapd installed? make test installs it): " + read_file(dir_.file("start.log"));
    return;
  }
  for (int i = 0; i < 100; ++i) {  // until it accepts connections
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (up) {
      port_ = port;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "dovecot did not listen on port " + std::to_string(port);
}

void Dovecot::stop() {
  pid_t pid = std::atoi(read_file(dir_.file("base/master.pid")).c_str());
  if (pid > 0) ::kill(pid, SIGTERM);
  // The master leaves its pid file behind: wait for the process itself to be gone.
  for (int i = 0; i < 250 && pid > 0 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  port_ = 0;
}

Dovecot::~Dovecot() {
  if (port_) stop();
}

void Dovecot::deliver(const std::string& message) {
  const int number = delivered_++;  // read once: the name's two numbers stay in step (the #14 pattern)
  std::string name = std::to_string(1764000000 + number) + ".M" + std::to_string(number + 1) + "P1.test";
  write_file(maildir_ + "/tmp/" + name, message);
  own(maildir_ + "/tmp/" + name);
  std::filesystem::rename(maildir_ + "/tmp/" + name, maildir_ + "/new/" + name);  // atomic, as delivery agents do
}

int Dovecot::seen() const {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(maildir_ + "/cur")) {
    std::string name = entry.path().filename();
    size_t flags = name.find(":2,");
    if (flags != std::string::npos && name.find('S', flags) != std::string::npos) ++count;
  }
  return count;
}

void Dovecot::renumber() {
  namespace fs = std::filesystem;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // UIDVALIDITY comes from the clock's seconds
  std::vector<fs::path> indexes;  // collected first: removing while iterating skips entries
  for (const auto& entry : fs::directory_iterator(maildir_))
    if (entry.path().filename().string().rfind("dovecot", 0) == 0) indexes.push_back(entry.path());
  for (const auto& path : indexes) fs::remove_all(path);
}

}  // namespace jorge::testing
