#include "ingest/signing.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "ingest/signature.hpp"

namespace jorge::ingest {
namespace {

std::string write_pem(EVP_PKEY* key, bool private_part) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (private_part) PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  else PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

EVP_PKEY* raw(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

}  // namespace

EVP_PKEY* four_prime_rsa_4096() {
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr);
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_keygen_init(context) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(context, 4096) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_primes(context, 4) <= 0 || EVP_PKEY_keygen(context, &key) <= 0)
    key = nullptr;
  EVP_PKEY_CTX_free(context);
  return key;
}

Result<KeyPairPem> generate_key_pair(KeyType type) {
  EVP_PKEY* key = type == KeyType::kRsa4096              ? EVP_RSA_gen(4096)
                  : type == KeyType::kRsa4096FourPrimes ? four_prime_rsa_4096()
                                                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!key) return Error{ErrorCode::kInternal, "key generation failed"};
  KeyPairPem pair{write_pem(key, true), write_pem(key, false)};
  EVP_PKEY_free(key);
  return pair;
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return Error{ErrorCode::kInvalidArgument, "not a PEM private key"};
  PrivateKey out;
  out.key_ = std::shared_ptr<void>(key, [](void* k) { EVP_PKEY_free(static_cast<EVP_PKEY*>(k)); });
  return out;
}

Result<PrivateKey> PrivateKey::from_pem_file(const std::string& path) {
  JORGE_TRY(std::string pem, read_pem_file(path));
  auto key = from_pem(pem);
  if (!key.ok()) return Error{key.error().code, path + ": " + key.error().message};
  return key;
}

bool PrivateKey::is_ed25519() const { return EVP_PKEY_get_base_id(raw(key_)) == EVP_PKEY_ED25519; }

Result<std::string> PrivateKey::sign(std::string_view message) const {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  size_t length = 0;
  std::string signature;
  bool signed_ok =
      EVP_DigestSignInit(context, nullptr, is_ed25519() ? nullptr : EVP_sha256(), nullptr, raw(key_)) == 1 &&
      EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  if (signed_ok) {
    signature.resize(length);
    signed_ok = EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                               reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(context);
  if (!signed_ok) return Error{ErrorCode::kInternal, "signing failed"};
  return base64_encode(signature);
}

}  // namespace jorge::ingest
