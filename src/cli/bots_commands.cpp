// `jorge extract`, `jorge replay` and `jorge chat`: the conversation engine on files and in the
// terminal, no database (bots.md §16; docs/bots.md).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "bots/engine.hpp"
#include "bots/llm.hpp"
#include "bots/slots_json.hpp"
#include "cli/bots_commands.hpp"
#include "core/text.hpp"
#include "pipeline/claude_llm.hpp"

namespace jorge::cli {
namespace {

using nlohmann::json;

// One evaluation counter: exact matches, and true/false positives and negatives.
struct Tally {
  int cases = 0, exact = 0, tp = 0, fp = 0, fn = 0;
};

// Values compared as the spec defines them: numbers by value, sets order-free, text exact.
bool same(const json& expected, const json& predicted) {
  if (expected.is_number() && predicted.is_number())
    return std::abs(expected.get<double>() - predicted.get<double>()) < 1e-6;
  if (expected.is_array() && predicted.is_array()) {
    std::multiset<std::string> a, b;
    for (const auto& v : expected) a.insert(v.is_string() ? v.get<std::string>() : v.dump());
    for (const auto& v : predicted) b.insert(v.is_string() ? v.get<std::string>() : v.dump());
    return a == b;
  }
  return expected == predicted;
}

void count(Tally& tally, const json& expected, const json* predicted) {
  ++tally.cases;
  const bool expected_value = !expected.is_null();
  const bool match = expected.is_null() ? predicted == nullptr : predicted && same(expected, *predicted);
  if (match) ++tally.exact;
  if (expected_value && match) ++tally.tp;
  if (predicted && !match) ++tally.fp;
  if (expected_value && !match) ++tally.fn;
}

// A boolean signal (opt-out, handoff): precision and recall of "true".
void count_flag(Tally& tally, bool expected, bool predicted) {
  ++tally.cases;
  if (expected == predicted) ++tally.exact;
  if (expected && predicted) ++tally.tp;
  if (!expected && predicted) ++tally.fp;
  if (expected && !predicted) ++tally.fn;
}

std::string percent(int part, int whole) {
  if (whole == 0) return "    -";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%5.1f", 100.0 * part / whole);
  return buffer;
}

void print_report(const std::string& title, const std::map<std::string, Tally>& rows) {
  if (rows.empty()) return;
  std::printf("\n%-24s %6s %7s %7s %7s\n", title.c_str(), "cases", "exact%", "prec%", "recall%");
  Tally total;
  for (const auto& [name, t] : rows) {
    std::printf("%-24s %6d %7s %7s %7s\n", name.c_str(), t.cases, percent(t.exact, t.cases).c_str(),
                percent(t.tp, t.tp + t.fp).c_str(), percent(t.tp, t.tp + t.fn).c_str());
    total.cases += t.cases;
    total.exact += t.exact;
    total.tp += t.tp;
    total.fp += t.fp;
    total.fn += t.fn;
  }
  std::printf("%-24s %6d %7s %7s %7s\n", "all", total.cases, percent(total.exact, total.cases).c_str(),
              percent(total.tp, total.tp + total.fp).c_str(), percent(total.tp, total.tp + total.fn).c_str());
}

struct Evaluation {
  std::map<std::string, Tally> slots, intents, signals;

  // `expected` as bots.md §16 lists it: intent, opt_out, handoff, temperature, final_state,
  // opted_out at the top, the slots under "slots" (or at the top, any other key).
  void add(const json& expected, const json& result) {
    if (!expected.is_object()) return;
    const json& predicted_slots = result["slots"];
    auto predicted_slot = [&](const std::string& name) -> const json* {
      auto found = predicted_slots.find(name);
      return found == predicted_slots.end() ? nullptr : &*found;
    };
    static const std::set<std::string> kTop = {"intent", "opt_out", "handoff", "temperature", "final_state",
                                               "opted_out", "handoff_reason", "slots", "outbound"};
    for (const auto& [key, value] : expected.items()) {
      if (key == "slots" && value.is_object()) {
        for (const auto& [slot, slot_value] : value.items()) count(slots[slot], slot_value, predicted_slot(slot));
      } else if (!kTop.count(key)) {
        count(slots[key], value, predicted_slot(key));
      }
    }
    if (expected.contains("intent") && result.contains("intent")) {
      const std::string want = expected["intent"].is_string() ? expected["intent"].get<std::string>() : "null";
      const std::string got = result["intent"].get<std::string>();
      intents[want].cases++;
      if (want == got) intents[want].exact++, intents[want].tp++;
      else intents[want].fn++, intents[got].fp++;
    }
    for (const char* flag : {"opt_out", "opted_out"})
      if (expected.contains(flag) && expected[flag].is_boolean() && result.contains(flag))
        count_flag(signals[flag], expected[flag].get<bool>(), result[flag].get<bool>());
    if (expected.contains("handoff") && result.contains("handoff")) {
      const json& want = expected["handoff"];
      const bool expected_handoff = want.is_string() || (want.is_boolean() && want.get<bool>());
      const bool predicted = result["handoff"].get<bool>();
      count_flag(signals["handoff"], expected_handoff, predicted);
      if (want.is_string())
        count(signals["handoff_reason"], want, result.contains("handoff_reason") ? &result["handoff_reason"] : nullptr);
    }
    for (const char* exact : {"temperature", "final_state"})
      if (expected.contains(exact) && result.contains(exact)) {
        auto& t = signals[exact];
        ++t.cases;
        // "hot" and "HOT" are one temperature: evaluation files spell it either way.
        auto lowered = [](const json& value) { return value.is_string() ? ascii_lower(value.get<std::string>()) : value.dump(); };
        if (lowered(expected[exact]) == lowered(result[exact])) ++t.exact;
      }
  }

  void print() const {
    print_report("slot", slots);
    print_report("intent", intents);
    print_report("signal", signals);
  }
};

bots::Role role_of(const json& line) {
  if (line.contains("role_hint") && line["role_hint"].is_string())
    if (auto role = bots::parse_role(line["role_hint"].get<std::string>())) return *role;
  return bots::Role::kUnknown;
}

// The line's "id" as text (numbers too), else its line number.
std::string id_of(const json& line, int number) {
  if (!line.contains("id")) return std::to_string(number);
  return line["id"].is_string() ? line["id"].get<std::string>() : line["id"].dump();
}

SystemTime time_of(const json& value, SystemTime fallback) {
  SystemTime at;
  if (value.is_string() && parse_iso8601(value.get<std::string>(), at)) return at;
  return fallback;
}

// Reads JSON lines, calling `each(line, number)`; a line that is not a JSON object is reported
// and skipped. Progress on stderr every 1,000 lines.
template <typename Each>
int for_each_line(const std::string& path, Each each) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "jorge: cannot read %s: check the path\n", path.c_str());
    return 2;
  }
  std::string text;
  int number = 0, bad = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json line = json::parse(text, nullptr, false);
    if (line.is_discarded() || !line.is_object()) {
      if (++bad <= 5) std::fprintf(stderr, "jorge: %s line %d is not a JSON object: skipped\n", path.c_str(), number);
      continue;
    }
    each(line, number);
    if (number % 1000 == 0) std::fprintf(stderr, "  %d lines\n", number);
  }
  if (bad > 5) std::fprintf(stderr, "jorge: %d lines skipped in all\n", bad);
  return 0;
}

std::ofstream open_out(const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) std::fprintf(stderr, "jorge: cannot write %s: check the directory exists\n", path.c_str());
  return out;
}

// The engine's configuration for a command, with the model when one is asked for (bots.md §11).
// Held by pointer: the engine configuration points at the backend.
struct Engine {
  bots::EngineConfig config;
  std::unique_ptr<pipeline::ClaudeLlm> claude;
  std::unique_ptr<bots::CachedLlm> cached;
};

std::unique_ptr<Engine> make_engine(const Config::Bots& settings, bool with_llm) {
  auto engine = std::make_unique<Engine>();
  if (!with_llm) return engine;
  if (settings.llm_api_key.empty()) {
    std::fprintf(stderr, "jorge: the model needs a key: set ANTHROPIC_API_KEY or bots.llm_key_file\n");
    return nullptr;
  }
  crm::ClaudeClientOptions options;
  options.base_url = settings.llm_url;
  options.api_key = settings.llm_api_key;
  options.model = settings.llm_model;
  options.timeout_ms = settings.llm_timeout_ms;
  engine->claude = std::make_unique<pipeline::ClaudeLlm>(options);
  engine->cached = std::make_unique<bots::CachedLlm>(*engine->claude);
  engine->config.llm = engine->cached.get();
  engine->config.llm_calls_per_day = settings.llm_calls_per_day;
  return engine;
}

}  // namespace

int extract_messages(const ExtractCommand& command) {
  const auto engine = make_engine(command.bots, command.llm == "on");
  if (!engine) return 2;
  std::ofstream out = open_out(command.out);
  if (!out) return 2;
  Evaluation evaluation;
  int count = 0;
  const bots::EngineConfig& config = engine->config;
  const int status = for_each_line(command.data, [&](const json& line, int number) {
    const std::string id = id_of(line, number);
    const std::string text = line.contains("text") && line["text"].is_string() ? line["text"].get<std::string>() : "";
    bots::Conversation conversation = bots::start_conversation(id, role_of(line));
    conversation.variants = bots::Variants{};
    const bots::Inbound inbound{id, text, time_of(line.value("received_at", json()), SystemTime{})};
    const bots::Turn turn = bots::take_turn(conversation, inbound, {}, config);
    json slots = bots::slots_json(turn.conversation.slots);
    slots["language"] = turn.language;
    json result = {{"id", id},
                   {"intent", std::string(bots::intent_name(turn.intent))},
                   {"opt_out", turn.opt_out},
                   {"handoff", turn.handoff.has_value()},
                   {"slots", slots}};
    if (turn.handoff) result["handoff_reason"] = *turn.handoff;
    if (turn.llm_calls > 0) result["llm"] = {{"calls", turn.llm_calls}, {"rejected", turn.llm_rejected}};
    out << result.dump() << '\n';
    if (line.contains("expected")) evaluation.add(line["expected"], result);
    ++count;
  });
  if (status != 0) return status;
  std::fprintf(stderr, "jorge extract: %d messages -> %s\n", count, command.out.c_str());
  evaluation.print();
  return 0;
}

int replay_conversations(const ReplayCommand& command) {
  const auto engine = make_engine(command.bots, command.bots.llm == "claude");
  if (!engine) return 2;
  std::ofstream out = open_out(command.out);
  if (!out) return 2;
  Evaluation evaluation;
  int count = 0;
  const bots::EngineConfig& config = engine->config;
  const int status = for_each_line(command.data, [&](const json& line, int number) {
    const std::string id = id_of(line, number);
    bots::Role role = role_of(line);
    if (role == bots::Role::kUnknown && line.value("bot", "") == "seller") role = bots::Role::kSeller;
    bots::Conversation conversation = bots::start_conversation(id, role);
    conversation.variants = bots::Variants{};
    if (line.value("bot", "") == "seller") conversation.bot = bots::Bot::kSeller;
    json outbound = json::array();
    std::optional<std::string> handoff;
    SystemTime last{};
    int turn_number = 0;
    const json turns = line.contains("turns") && line["turns"].is_array() ? line["turns"] : json::array();
    for (const json& turn_line : turns) {
      if (!turn_line.is_object()) continue;
      ++turn_number;
      const SystemTime at = time_of(turn_line.value("at", json()), last);
      last = at;
      const std::string speaker = turn_line.value("speaker", "lead");
      if (speaker == "bot") {
        // Given, not generated: it sets what the lead's next message answers.
        const json& asks = turn_line.contains("asks") ? turn_line["asks"] : json();
        conversation.pending.reset();
        if (asks.is_string())
          if (auto group = bots::parse_group(asks.get<std::string>())) {
            conversation.pending = *group;
            ++conversation.asks[static_cast<size_t>(*group)];
          }
        if (conversation.state == bots::State::kNew)
          conversation.state = conversation.role == bots::Role::kUnknown ? bots::State::kAwaitingRole : bots::State::kQualifying;
        continue;
      }
      const std::string text = turn_line.contains("text") && turn_line["text"].is_string() ? turn_line["text"].get<std::string>() : "";
      const bots::Inbound inbound{id + "-" + std::to_string(turn_number), text, at};
      bots::Turn turn = bots::take_turn(conversation, inbound, {}, config);
      if (turn.handoff && !handoff) handoff = turn.handoff;
      if (turn.reply)
        outbound.push_back({{"text", turn.reply->text},
                            {"template", turn.reply->template_key},
                            {"writer", turn.reply->writer},
                            {"scheduled_at", format_iso8601(turn.reply->send_at)}});
      conversation = std::move(turn.conversation);
    }
    json result = {{"id", id},
                   {"slots", bots::slots_json(conversation.slots)},
                   {"temperature", std::string(bots::temperature_name(conversation.temperature))},
                   {"handoff", handoff.has_value()},
                   {"final_state", std::string(bots::state_name(conversation.state))},
                   {"opted_out", conversation.state == bots::State::kOptedOut},
                   {"outbound", outbound}};
    if (handoff) result["handoff_reason"] = *handoff;
    out << result.dump() << '\n';
    if (line.contains("expected")) evaluation.add(line["expected"], result);
    ++count;
  });
  if (status != 0) return status;
  std::fprintf(stderr, "jorge replay: %d conversations -> %s\n", count, command.out.c_str());
  evaluation.print();
  return 0;
}

int chat(const ChatCommand& command) {
  bots::Role role = bots::Role::kUnknown;
  if (command.bot == "seller") role = bots::Role::kSeller;
  else if (command.bot == "lead" || command.bot == "buyer") role = bots::Role::kBuyer;
  SystemTime now = std::chrono::system_clock::now();
  if (!command.at.empty() && !parse_iso8601(command.at, now)) {
    std::fprintf(stderr, "jorge chat: --at %s is not a time: use 2026-03-10T14:00:00-06:00\n", command.at.c_str());
    return 2;
  }
  const auto engine = make_engine(command.bots, command.bots.llm == "claude");
  if (!engine) return 2;
  const bots::EngineConfig& config = engine->config;
  bots::Conversation conversation = bots::start_conversation("chat", role);
  conversation.variants = bots::Variants{};
  conversation.language = command.lang;
  const bots::LeadFacts facts{"", "", {"America/Chicago"}, std::nullopt};
  const bots::Reply greeting = bots::first_touch(conversation, facts, config, now);
  std::printf("Jorge> %s\n", greeting.text.c_str());
  std::printf("(type as the lead; an empty line or Ctrl-D ends)\n");
  std::string text;
  int number = 0;
  while (std::printf("you> "), std::fflush(stdout), std::getline(std::cin, text)) {
    if (text.empty()) break;
    now += std::chrono::minutes(2);
    const bots::Turn turn = bots::take_turn(conversation, {"chat-" + std::to_string(++number), text, now}, facts, config);
    conversation = turn.conversation;
    if (turn.reply) {
      std::printf("Jorge> %s%s\n", turn.reply->text.c_str(), turn.reply->writer == "llm" ? "  (phrased by the model)" : "");
      if (turn.reply->held) std::printf("        (held by quiet hours until %s)\n", format_iso8601(turn.reply->send_at).c_str());
    } else {
      std::printf("Jorge> (no reply)\n");
    }
    std::printf("  intent %s · state %s · bot %s · role %s · %s (score %d)\n", std::string(bots::intent_name(turn.intent)).c_str(),
                std::string(bots::state_name(conversation.state)).c_str(), std::string(bots::bot_name(conversation.bot)).c_str(),
                std::string(bots::role_name(conversation.role)).c_str(),
                std::string(bots::temperature_name(turn.temperature)).c_str(), turn.score);
    std::printf("  slots %s\n", bots::slots_json(conversation.slots).dump().c_str());
    if (conversation.pending) std::printf("  pending question: %s\n", std::string(bots::group_name(*conversation.pending)).c_str());
    if (turn.handoff) std::printf("  handoff: %s — a human takes over\n", turn.handoff->c_str());
    if (turn.task) std::printf("  task: %s\n", turn.task->c_str());
    for (const std::string& rejected : turn.llm_rejected) std::printf("  model answer dropped: %s\n", rejected.c_str());
  }
  return 0;
}

}  // namespace jorge::cli
