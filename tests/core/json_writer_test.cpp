#include "core/json_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <random>
#include <string>

namespace jorge {
namespace {

TEST(JsonWriter, WritesWhatAParserReadsBack) {
  JsonWriter out;
  out.begin_object();
  out.key("text").value("quote \" backslash \\ newline \n tab \t bell \x07 and ñ");
  out.key("numbers").begin_array().value(1.5, 2).value(-0.0001, 2).value(100.0, 1).value(NAN, 2).value(1e300, 2).end_array();
  out.key("flag").value(true);
  out.key("nothing").null();
  out.key("nested").begin_array().begin_object().key("a").value("b").end_object().begin_object().end_object().end_array();
  out.end_object();
  auto parsed = nlohmann::json::parse(out.text());
  EXPECT_EQ(parsed["text"], "quote \" backslash \\ newline \n tab \t bell \x07 and ñ");
  EXPECT_EQ(parsed["numbers"][0], 1.5);
  EXPECT_EQ(parsed["numbers"][1], 0);
  EXPECT_EQ(parsed["numbers"][2], 100);
  EXPECT_TRUE(parsed["numbers"][3].is_null());
  EXPECT_TRUE(parsed["numbers"][4].is_null());
  EXPECT_EQ(parsed["flag"], true);
  EXPECT_TRUE(parsed["nothing"].is_null());
  EXPECT_EQ(parsed["nested"][0]["a"], "b");
  EXPECT_TRUE(parsed["nested"][1].empty());
}

// Numbers take a shortcut through integers when it cannot round differently: every result must
// still be what the exact decimal conversion gives.
TEST(JsonWriter, NumbersMatchTheExactDecimalConversion) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(-1000, 1000);
  for (int i = 0; i < 200000; ++i) {
    double number = uniform(random);
    if (i % 4 == 1) number = std::round(number * 1000) / 1000;  // many near-ties
    if (i % 4 == 2) number /= 1000;
    const int decimals = i % 5;
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed, decimals);
    std::string expected(buffer, end);
    if (expected.find('.') != std::string::npos) {
      while (expected.back() == '0') expected.pop_back();
      if (expected.back() == '.') expected.pop_back();
    }
    if (expected == "-0") expected = "0";
    JsonWriter out;
    out.value(number, decimals);
    ASSERT_EQ(out.text(), expected) << number << " with " << decimals << " decimals";
  }
}

TEST(JsonWriter, EscapesWhereverTheByteFalls) {
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (size_t at = 0; at < 20; ++at) {
      std::string text(20, 'a');
      text[at] = special;
      JsonWriter out;
      out.begin_object().key(text).value(text).end_object();
      auto parsed = nlohmann::json::parse(out.text());
      ASSERT_EQ(parsed[text], text) << "byte " << int(special) << " at " << at;
    }
  }
}

}  // namespace
}  // namespace jorge
