#include "core/json_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

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

}  // namespace
}  // namespace jorge
