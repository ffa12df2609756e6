#pragma once
// Signing with a private key, the sender's side of signature.hpp: used by `jorge demo`,
// `jorge sign`, tests and benchmarks to produce deliveries exactly as GoHighLevel signs them.
#include <string>
#include <memory>
#include <string_view>

#include "core/result.hpp"

namespace jorge::ingest {

struct KeyPairPem {
  std::string private_pem;  // PKCS#8 "BEGIN PRIVATE KEY"
  std::string public_pem;   // SPKI "BEGIN PUBLIC KEY"
};

// kRsa4096FourPrimes: the same 4096-bit modulus (verification costs the same) with four
// primes, so signing is about four times faster: for benchmarks that sign many deliveries.
enum class KeyType { kRsa4096, kRsa4096FourPrimes, kEd25519 };
Result<KeyPairPem> generate_key_pair(KeyType type);

class PrivateKey {
 public:
  static Result<PrivateKey> from_pem(std::string_view pem);
  static Result<PrivateKey> from_pem_file(const std::string& path);
  // base64 signature of `message`: RSA PKCS#1 v1.5 + SHA-256, or Ed25519, by the key's type.
  Result<std::string> sign(std::string_view message) const;
  bool is_ed25519() const;

 private:
  std::shared_ptr<void> key_;  // EVP_PKEY
};

}  // namespace jorge::ingest
