#pragma once
// Signature checks over raw request bytes: RSA PKCS#1 v1.5 + SHA-256 (GoHighLevel's
// x-wh-signature), Ed25519 (x-ghl-signature). Keys are immutable after loading, so one key is
// shared by every thread; each check uses its own context, so checks run on every core.
#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace jorge::ingest {

// The text of a key file; kInvalidArgument naming the path when it cannot be read.
Result<std::string> read_pem_file(const std::string& path);

class PublicKey {
 public:
  // Loads an SPKI PEM ("BEGIN PUBLIC KEY"). kInvalidArgument with the reason when it is not one.
  static Result<PublicKey> from_pem(std::string_view pem);
  static Result<PublicKey> from_pem_file(const std::string& path);
  bool is_ed25519() const;
  bool is_rsa() const;
  EVP_PKEY* get() const { return key_.get(); }

 private:
  struct Free { void operator()(EVP_PKEY* key) const; };
  std::shared_ptr<EVP_PKEY> key_;  // shared: copies of a PublicKey are cheap and read-only
};

// True when `signature_base64` is a valid signature of `message` under `key` (RSA-SHA256 or
// Ed25519, chosen by the key's type). Never throws; bad base64 is simply false.
bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature_base64);

// `header_value` is "sha256=<lower-case hex of HMAC-SHA256(secret, body)>" (Facebook's
// X-Hub-Signature-256, our X-Jorge-Signature), compared in constant time. kUnauthenticated
// naming `header_name` otherwise; kFailedPrecondition when no secret is configured.
Status verify_hmac_header(std::string_view header_name, std::string_view header_value, std::string_view secret,
                          std::string_view body);


}  // namespace jorge::ingest
