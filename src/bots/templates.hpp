#pragma once
// Every text the bots send (bots.md §13), as data: a stable key, a language, a confrontation
// level (§12, §14) and the words. The table lives in templates.cpp — one file, reviewed like
// code, every entry checked by the persona rules in tests/bots/templates_test.cpp.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jorge::bots {

enum class Level { kProfessionalDirect, kStandard, kExtraDirect };
std::string_view level_name(Level level);  // "professional_direct", "standard", "extra_direct"
std::optional<Level> parse_level(std::string_view name);

struct Template {
  std::string_view key;       // "ask_budget"
  std::string_view language;  // "en", "es"
  Level level;
  std::string_view text;      // with {placeholders}
};

std::span<const Template> all_templates();

// The text for `key` in `language` at `level`; the standard level when that level has no
// wording of its own, English when the language has none. Nothing for an unknown key.
const Template* find_template(std::string_view key, std::string_view language, Level level);

using Variables = std::vector<std::pair<std::string_view, std::string>>;
// `text` with each {name} replaced (unknown placeholders become empty), then tidied: spaces
// collapsed, no space before punctuation, no leading comma, first letter capitalised.
std::string render(std::string_view text, const Variables& variables);

}  // namespace jorge::bots
