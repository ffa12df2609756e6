#include "core/text.hpp"

#include <gtest/gtest.h>

namespace jorge {

TEST(NormaliseName, TrimsAndCollapsesWhiteSpace) { EXPECT_EQ(*normalise_name("  Maria \t  Delgado \n"), "Maria Delgado"); }

TEST(NormaliseName, ComposesToNfc) {
  // "Rene" + combining acute accent becomes the single code point U+00E9.
  EXPECT_EQ(*normalise_name("Rene\xCC\x81"), "Ren\xC3\xA9");
}

TEST(NormaliseName, RejectsInvalidUtf8) { EXPECT_FALSE(normalise_name("Ma\xFFria").ok()); }

TEST(NormaliseEmail, TrimsAndLowerCases) {
  EXPECT_EQ(*normalise_email("  Maria.Delgado@Example.COM "), "maria.delgado@example.com");
}

TEST(NormaliseEmail, RejectsAddressWithoutDomain) {
  EXPECT_FALSE(normalise_email("maria@").ok());
  EXPECT_FALSE(normalise_email("maria.example.com").ok());
  EXPECT_FALSE(normalise_email("a@b@example.com").ok());
}

TEST(Utf8, AcceptsMultiByteAndRejectsOverlongAndSurrogates) {
  EXPECT_TRUE(is_valid_utf8("Jos\xC3\xA9 \xF0\x9F\x8F\xA0"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x8F"));      // truncated
}

}  // namespace jorge
