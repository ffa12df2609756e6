#include "ingest/signature.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <cstdint>

#include <fstream>
#include <sstream>

namespace jorge::ingest {

void PublicKey::Free::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return Error{ErrorCode::kInternal, "cannot allocate a BIO"};
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return Error{ErrorCode::kInvalidArgument, "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)"};
  PublicKey out;
  out.key_ = std::shared_ptr<EVP_PKEY>(key, Free{});
  if (!out.is_rsa() && !out.is_ed25519())
    return Error{ErrorCode::kInvalidArgument, "public key is neither RSA nor Ed25519"};
  return out;
}

Result<std::string> read_pem_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{ErrorCode::kInvalidArgument, "cannot read " + path};
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

Result<PublicKey> PublicKey::from_pem_file(const std::string& path) {
  JORGE_TRY(std::string pem, read_pem_file(path));
  auto key = from_pem(pem);
  if (!key.ok()) return Error{key.error().code, path + ": " + key.error().message};
  return key;
}

bool PublicKey::is_ed25519() const { return key_ && EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_ED25519; }
bool PublicKey::is_rsa() const { return key_ && EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_RSA; }

namespace {

// A verification context per thread and key, set up once: EVP_DigestVerifyInit per call costs
// a context allocation and parameter setup on every delivery. Contexts never cross threads.
EVP_PKEY_CTX* rsa_context_for(EVP_PKEY* key) {
  struct Cached {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* context = nullptr;
    ~Cached() { EVP_PKEY_CTX_free(context); }
  };
  thread_local Cached cached;
  if (cached.key == key && cached.context) return cached.context;
  EVP_PKEY_CTX_free(cached.context);
  cached.context = EVP_PKEY_CTX_new(key, nullptr);
  cached.key = key;
  if (!cached.context || EVP_PKEY_verify_init(cached.context) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(cached.context, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(cached.context, EVP_sha256()) != 1) {
    EVP_PKEY_CTX_free(cached.context);
    cached.context = nullptr;
  }
  return cached.context;
}

}  // namespace

bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature_base64) {
  std::string signature;
  if (!key.get() || !base64_decode(signature_base64, signature, 8192) || signature.empty()) return false;
  const auto* signature_bytes = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* message_bytes = reinterpret_cast<const unsigned char*>(message.data());
  if (key.is_rsa()) {
    // RSA PKCS#1 v1.5 over the SHA-256 digest of the exact bytes.
    EVP_PKEY_CTX* context = rsa_context_for(key.get());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (!context || EVP_Digest(message.data(), message.size(), digest, &digest_length, EVP_sha256(), nullptr) != 1)
      return false;
    return EVP_PKEY_verify(context, signature_bytes, signature.size(), digest, digest_length) == 1;
  }
  // Ed25519 signs the message itself, so it goes through the one-shot DigestVerify.
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (!context) return false;
  bool valid = EVP_DigestVerifyInit(context, nullptr, nullptr, nullptr, key.get()) == 1 &&
               EVP_DigestVerify(context, signature_bytes, signature.size(), message_bytes, message.size()) == 1;
  EVP_MD_CTX_free(context);
  return valid;
}

Status verify_hmac_header(std::string_view header_name, std::string_view header_value, std::string_view secret,
                          std::string_view body) {
  if (secret.empty())
    return Error{ErrorCode::kUnauthenticated, "no secret is configured for this source, so no delivery can be verified"};
  if (header_value.empty()) return Error{ErrorCode::kUnauthenticated, std::string(header_name) + " header is missing"};
  constexpr std::string_view kPrefix = "sha256=";
  if (header_value.substr(0, kPrefix.size()) != kPrefix)
    return Error{ErrorCode::kUnauthenticated, std::string(header_name) + " must be \"sha256=<hex>\""};
  std::string expected = hmac_sha256_hex(secret, body);
  std::string given(header_value.substr(kPrefix.size()));
  for (char& c : given)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  if (!constant_time_equal(expected, given))
    return Error{ErrorCode::kUnauthenticated, std::string(header_name) + " does not match the body"};
  return ok_status();
}

}  // namespace jorge::ingest
