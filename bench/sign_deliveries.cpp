// Pre-signs unique GoHighLevel deliveries for the wrk benchmark: wrk's Lua cannot do RSA, and
// signing inside the load generator would steal the very cores being measured.
//
//   sign_deliveries OUT_DIR COUNT TEMPLATE.json...
//   sign_deliveries --hmac SECRET OUT_DIR COUNT TEMPLATE.json...   (Zillow, Realtor.com, Facebook:
//                   "sha256=<hex HMAC-SHA256>" signatures, every __WEBHOOK_ID__ replaced)
//
// Writes OUT_DIR/bench-rsa.pub (the key the server checks with) and OUT_DIR/deliveries.txt,
// one "signature<TAB>body" line per delivery; each body is a template with __WEBHOOK_ID__
// replaced by a unique id. The key is RSA-4096 with four primes: verifying it costs exactly
// what a two-prime 4096-bit key costs (same modulus size, e = 65537), while signing runs about
// four times faster, so a few hundred thousand deliveries are ready in minutes.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.hpp"
#include "ingest/signing.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  std::string text = contents.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hmac_secret;
  if (argc > 2 && std::string(argv[1]) == "--hmac") {
    hmac_secret = argv[2];
    argv += 2;
    argc -= 2;
  }
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s OUT_DIR COUNT TEMPLATE.json...\n", argv[0]);
    return 2;
  }
  std::string out_dir = argv[1];
  long count = std::stol(argv[2]);
  std::vector<std::string> templates;
  for (int i = 3; i < argc; ++i) templates.push_back(slurp(argv[i]));

  std::optional<jorge::ingest::PrivateKey> signer;
  if (hmac_secret.empty()) {
    auto pair = jorge::ingest::generate_key_pair(jorge::ingest::KeyType::kRsa4096FourPrimes);
    if (!pair.ok()) {
      std::fprintf(stderr, "cannot generate the benchmark key\n");
      return 1;
    }
    std::ofstream(out_dir + "/bench-rsa.pub") << pair->public_pem;
    auto loaded = jorge::ingest::PrivateKey::from_pem(pair->private_pem);
    if (!loaded.ok()) return 1;
    signer = *loaded;
  }

  std::vector<std::string> lines(static_cast<size_t>(count));
  std::atomic<long> next{0};
  auto work = [&] {
    for (long i; (i = next++) < count;) {
      std::string body = templates[static_cast<size_t>(i) % templates.size()];
      std::string id = "bench-" + std::to_string(i);
      for (size_t at; (at = body.find("__WEBHOOK_ID__")) != std::string::npos;) body.replace(at, 14, id);
      std::string signature = signer ? *signer->sign(body) : "sha256=" + jorge::hmac_sha256_hex(hmac_secret, body);
      lines[static_cast<size_t>(i)] = signature + "\t" + body + "\n";
      if (i % 20000 == 0) std::fprintf(stderr, "signed %ld of %ld\n", i, count);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) threads.emplace_back(work);
  for (auto& thread : threads) thread.join();
  std::ofstream out(out_dir + "/deliveries.txt", std::ios::binary);
  for (const auto& line : lines) out << line;
  std::fprintf(stderr, "wrote %ld signed deliveries to %s/deliveries.txt\n", count, out_dir.c_str());
  return 0;
}
