#include <sys/stat.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "ingest/signing.hpp"
#include "store/store.hpp"

namespace jorge::cli {
namespace {
bool write_file(const std::string& path, const std::string& contents, mode_t mode) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << contents;
  file.close();
  return file.good() && chmod(path.c_str(), mode) == 0;
}
}  // namespace

int keygen(const std::string& directory, bool force) {
  mkdir(directory.c_str(), 0700);
  // #14: a second keygen once replaced the keys a server and its senders were using.
  for (const char* name : {"ghl-webhook-rsa.key", "ghl-webhook-ed25519.key"}) {
    const std::string path = directory + "/" + name;
    if (!force && access(path.c_str(), F_OK) == 0) {
      std::fprintf(stderr, "jorge keygen: %s exists; senders and servers may be using it (--force replaces it)\n",
                   path.c_str());
      return 2;
    }
  }
  struct Wanted {
    ingest::KeyType type;
    const char* name;
  };
  for (Wanted wanted : {Wanted{ingest::KeyType::kRsa4096, "ghl-webhook-rsa"}, Wanted{ingest::KeyType::kEd25519, "ghl-webhook-ed25519"}}) {
    auto pair = ingest::generate_key_pair(wanted.type);
    if (!pair.ok()) {
      std::fprintf(stderr, "jorge keygen: %s\n", pair.error().message.c_str());
      return 1;
    }
    std::string base = directory + "/" + wanted.name;
    if (!write_file(base + ".key", pair->private_pem, 0600) || !write_file(base + ".pub", pair->public_pem, 0644)) {
      std::fprintf(stderr, "jorge keygen: cannot write %s.key/.pub\n", base.c_str());
      return 1;
    }
    std::printf("%s.key (private) and %s.pub (public)\n", base.c_str(), base.c_str());
  }
  return 0;
}

int sign(const std::string& private_key_file, const std::string& body_file) {
  auto key = ingest::PrivateKey::from_pem_file(private_key_file);
  if (!key.ok()) {
    std::fprintf(stderr, "jorge sign: %s: %s\n", private_key_file.c_str(), key.error().message.c_str());
    return 2;
  }
  std::ifstream file(body_file, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "jorge sign: cannot read %s\n", body_file.c_str());
    return 2;
  }
  std::stringstream body;
  body << file.rdbuf();
  auto signature = key->sign(body.str());
  if (!signature.ok()) {
    std::fprintf(stderr, "jorge sign: %s\n", signature.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", signature->c_str());
  return 0;
}

int print_stats(const std::string& database) {
  if (Status exists = require_existing_database(database); !exists.ok()) {
    std::fprintf(stderr, "jorge stats: %s\n", exists.error().message.c_str());
    return 2;
  }
  SystemClock clock;
  auto store = store::open_store(database, clock);
  if (!store.ok()) {
    std::fprintf(stderr, "jorge stats: %s\n", store.error().message.c_str());
    return 1;
  }
  auto counts = (*store)->counts();
  if (!counts.ok()) {
    std::fprintf(stderr, "jorge stats: %s\n", counts.error().message.c_str());
    return 1;
  }
  std::printf("{\"events\":%lld,\"contacts\":%lld,\"leads\":%lld,\"interactions\":%lld,\"jobs\":%lld}\n",
              static_cast<long long>(counts->events), static_cast<long long>(counts->contacts),
              static_cast<long long>(counts->leads), static_cast<long long>(counts->interactions),
              static_cast<long long>(counts->jobs));
  return 0;
}

}  // namespace jorge::cli
