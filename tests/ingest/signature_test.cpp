#include "ingest/signature.hpp"

#include <gtest/gtest.h>

#include "support/test_env.hpp"

namespace jorge::ingest {

TEST(Signature, AcceptsRsaSha256OverExactBytes) {
  auto key = PublicKey::from_pem(testing::rsa_keys().public_pem);
  ASSERT_TRUE(key.ok());
  std::string body = R"({"type":"ContactCreate"})";
  EXPECT_TRUE(verify_signature(*key, body, testing::sign_rsa(body)));
}

TEST(Signature, RejectsRsaSignatureOfOtherBytes) {
  auto key = PublicKey::from_pem(testing::rsa_keys().public_pem);
  std::string body = R"({"type":"ContactCreate"})";
  // Same JSON, different spacing: the signature covers bytes, not meaning.
  EXPECT_FALSE(verify_signature(*key, R"({"type": "ContactCreate"})", testing::sign_rsa(body)));
}

TEST(Signature, AcceptsEd25519) {
  auto key = PublicKey::from_pem(testing::ed25519_keys().public_pem);
  ASSERT_TRUE(key.ok() && key->is_ed25519());
  EXPECT_TRUE(verify_signature(*key, "hello", testing::sign_ed25519("hello")));
  EXPECT_FALSE(verify_signature(*key, "hello!", testing::sign_ed25519("hello")));
}

TEST(Signature, TreatsGarbageAsInvalid) {
  auto key = PublicKey::from_pem(testing::rsa_keys().public_pem);
  EXPECT_FALSE(verify_signature(*key, "x", "not base64 at all!"));
  EXPECT_FALSE(verify_signature(*key, "x", ""));
}

TEST(PublicKey, RejectsTextThatIsNoKey) { EXPECT_FALSE(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nxx\n").ok()); }

TEST(Base64, RoundTrips) {
  std::string decoded;
  for (std::string text : {"", "a", "ab", "abc", "abcd"}) {
    ASSERT_TRUE(base64_decode(base64_encode(text), decoded, 8192));
    EXPECT_EQ(decoded, text);
  }
}

TEST(ConstantTimeEqual, ComparesContentsAndLength) {
  EXPECT_TRUE(constant_time_equal("token", "token"));
  EXPECT_FALSE(constant_time_equal("token", "tokeN"));
  EXPECT_FALSE(constant_time_equal("token", "token2"));
}

}  // namespace jorge::ingest
