#include "ingest/signature.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

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

Result<PublicKey> PublicKey::from_pem_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{ErrorCode::kInvalidArgument, "cannot read " + path};
  std::stringstream contents;
  contents << file.rdbuf();
  auto key = from_pem(contents.str());
  if (!key.ok()) return Error{key.error().code, path + ": " + key.error().message};
  return key;
}

bool PublicKey::is_ed25519() const { return key_ && EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_ED25519; }
bool PublicKey::is_rsa() const { return key_ && EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_RSA; }

bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature_base64) {
  std::string signature;
  if (!key.get() || !base64_decode(signature_base64, signature) || signature.empty()) return false;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (!context) return false;
  // Ed25519 signs the message itself (no separate digest); RSA uses SHA-256 + PKCS#1 v1.5.
  const EVP_MD* digest = key.is_ed25519() ? nullptr : EVP_sha256();
  bool valid = EVP_DigestVerifyInit(context, nullptr, digest, nullptr, key.get()) == 1 &&
               EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  return valid;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.size() > 8192) return false;
  std::string padded(text);
  while (padded.size() % 4 != 0) padded.push_back('=');
  for (char c : padded)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return false;
  out.assign(padded.size() / 4 * 3 + 1, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
  if (written < 0) return false;
  // EVP_DecodeBlock counts padding bytes as data; drop one output byte per '='.
  size_t padding = 0;
  for (size_t i = padded.size(); i > 0 && padded[i - 1] == '='; --i) ++padding;
  if (padding > 2) return false;
  out.resize(static_cast<size_t>(written) - padding);
  return true;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jorge::ingest
