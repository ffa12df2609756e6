#include "core/json_parse.hpp"

#include <gtest/gtest.h>

namespace jorge {

TEST(JsonParse, RefusesNestingDeeperThanTheLimitWithoutRecursing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(json_nesting_within(deep));
  EXPECT_TRUE(parse_json(deep).is_discarded());
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(json_nesting_within(ok));
  EXPECT_TRUE(parse_json(ok).is_array());
}

TEST(JsonParse, BracketsInsideStringsDoNotCount) {
  const std::string text = R"({"a":")" + std::string(1000, '[') + R"(\"[{"})";
  EXPECT_TRUE(json_nesting_within(text));
  EXPECT_TRUE(parse_json(text).is_object());
  EXPECT_TRUE(parse_json("{\"a\": ").is_discarded());
}

}  // namespace jorge
