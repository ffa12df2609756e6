// `jorge extract` and `jorge replay` as a team runs them (#18): rules only with no configuration,
// and `--llm on` against a local Messages API (integrations.md §7) with the key from
// ANTHROPIC_API_KEY — an opt-out only the model reads hands off, a missing key exits 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "support/fake_claude.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

nlohmann::json first_line(const std::string& path) {
  const std::string text = read_file(path);
  return nlohmann::json::parse(text.substr(0, text.find('\n')));
}

// A configuration file with nothing in it: the keys come from the environment.
std::string empty_config(const TempDir& dir) {
  write_file(dir.file("jorge.toml"), "");
  return dir.file("jorge.toml");
}

// The exact-match percentages of the report's "all" rows, in order (slot, intent, signal).
std::vector<double> all_rows(const std::string& report) {
  std::vector<double> out;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("all ", 0) == 0) {
      std::istringstream fields(line.substr(4));
      int cases = 0;
      double exact = 0;
      fields >> cases >> exact;
      out.push_back(exact);
    }
  return out;
}

}  // namespace

// The held-out sets in tests/bots/data/eval/ (written apart from the rule cases, scored once
// before any rule was changed for them; docs/bots.md has both runs) stay above #18's targets.
TEST(BotsCli, TheHeldOutMessagesAndConversationsMeetTheTargets) {
  TempDir dir;
  const std::string eval = std::string(JORGE_SOURCE_DIR) + "/tests/bots/data/eval/";
  std::string report;
  ASSERT_EQ(run_jorge({"extract", "--data", eval + "messages.jsonl", "--out", dir.file("m.jsonl")}, &report), 0) << report;
  auto rows = all_rows(report);
  ASSERT_EQ(rows.size(), 3u) << report;
  EXPECT_GE(rows[0], 95.0) << report;  // slots
  EXPECT_GE(rows[1], 95.0) << report;  // intents
  EXPECT_NE(report.find("opt_out                      10   100.0   100.0   100.0"), std::string::npos) << report;
  ASSERT_EQ(run_jorge({"replay", "--data", eval + "conversations.jsonl", "--out", dir.file("c.jsonl"), "--config",
                       empty_config(dir)},
                      &report),
            0)
      << report;
  rows = all_rows(report);
  ASSERT_EQ(rows.size(), 2u) << report;
  EXPECT_GE(rows[0], 95.0) << report;
  EXPECT_NE(report.find("handoff                      11   100.0"), std::string::npos) << report;
  EXPECT_NE(report.find("temperature                  11   100.0"), std::string::npos) << report;
}

TEST(BotsCli, ExtractReadsRulesOnlyWithoutAnyConfiguration) {
  TempDir dir;
  write_file(dir.file("m.jsonl"),
             R"({"id":"a","received_at":"2026-03-10T15:00:00Z","role_hint":"buyer","text":"looking in hutto under 400k"})"
             "\n");
  ASSERT_EQ(run_jorge({"extract", "--data", dir.file("m.jsonl"), "--out", dir.file("o.jsonl")}), 0);
  const auto line = first_line(dir.file("o.jsonl"));
  EXPECT_EQ(line["slots"]["budget_max"], 400000);
  EXPECT_EQ(line["slots"]["areas"], nlohmann::json::array({"Hutto"}));
  EXPECT_FALSE(line.contains("llm"));
}

TEST(BotsCli, ExtractWithTheModelHandsOffAnOptOutOnlyTheModelReads) {
  TempDir dir;
  FakeClaude claude("sk-test");
  claude.answer_extraction(R"({"slots":{},"intent":"not_interested","opt_out":true})");
  write_file(dir.file("m.jsonl"),
             R"({"id":"b","received_at":"2026-03-10T15:00:00Z","role_hint":"buyer","text":"all set, no need to reach out again"})"
             "\n");
  const std::map<std::string, std::string> env = {{"ANTHROPIC_API_KEY", "sk-test"}, {"JORGE_BOTS_LLM_URL", claude.url()}};
  ASSERT_EQ(run_jorge({"extract", "--data", dir.file("m.jsonl"), "--out", dir.file("o.jsonl"), "--llm", "on", "--config",
                       empty_config(dir)},
                      nullptr, env),
            0);
  const auto line = first_line(dir.file("o.jsonl"));
  EXPECT_EQ(line["handoff"], true);
  EXPECT_EQ(line["handoff_reason"], "possible_opt_out");
  EXPECT_EQ(line["opt_out"], false);  // the rules decide opt-out; the model only makes a human look
  ASSERT_FALSE(claude.requests().empty());
  EXPECT_EQ(claude.requests().front().api_key, "sk-test");
}

TEST(BotsCli, ExtractWithTheModelButNoKeyExitsTwoSayingWhatToSet) {
  TempDir dir;
  write_file(dir.file("m.jsonl"), R"({"id":"c","text":"hi"})" "\n");
  std::string output;
  EXPECT_EQ(run_jorge({"extract", "--data", dir.file("m.jsonl"), "--out", dir.file("o.jsonl"), "--llm", "on", "--config",
                       empty_config(dir)},
                      &output, {{"ANTHROPIC_API_KEY", ""}}),
            2);
  EXPECT_NE(output.find("ANTHROPIC_API_KEY"), std::string::npos) << output;
}

}  // namespace jorge::testing
