#pragma once
// How the bots read a text message (bots.md §2 step 1): one folded form every rule matches on —
// lower-case ASCII, Spanish accents folded ("próximo" -> "proximo", "año" -> "ano"),
// apostrophes dropped inside words ("what's" -> "whats"), emoji and other symbols read as
// spaces, the punctuation that carries numbers kept ("$1.2m", "3/2", "350-400k", "6+").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jorge::bots {

// One UTF-8 code point from `text` at `i` (advanced past it); U+FFFD for a broken sequence.
char32_t next_code_point(std::string_view text, size_t& i);
// A Latin letter or digit as its lower-case ASCII form (accents folded); 0 for anything else.
char ascii_letter(char32_t code);

struct Word {
  std::string text;
  size_t start = 0, end = 0;  // byte range in FoldedText::folded
  std::uint64_t hash = 0;     // of text, to rule out most comparisons
};

class FoldedText {
 public:
  explicit FoldedText(std::string_view original);

  const std::string& folded() const { return folded_; }
  const std::vector<Word>& words() const { return words_; }
  size_t size() const { return words_.size(); }
  const std::string& word(size_t i) const { return words_[i].text; }

  // Where the words of `phrase` (space-separated; a trailing '*' matches any ending, "relocat*")
  // occur in a row, from word `from` on; npos when they do not.
  size_t find(std::string_view phrase, size_t from = 0) const;
  bool has(std::string_view phrase) const { return find(phrase) != npos; }
  // Any of the phrases.
  bool has_any(std::initializer_list<std::string_view> phrases) const;
  // The first word index where any of the phrases starts; npos when none does.
  size_t find_any(std::initializer_list<std::string_view> phrases, size_t from = 0) const;
  // Whether word `at` is preceded, within `span` words, by one of the phrases.
  bool preceded_by(size_t at, std::initializer_list<std::string_view> phrases, size_t span = 3) const;
  // Word index covering byte `offset` of folded(); size() when none does.
  size_t word_at_byte(size_t offset) const;

  static constexpr size_t npos = static_cast<size_t>(-1);

 private:
  bool matches(size_t at, std::string_view phrase, size_t* length = nullptr) const;
  std::string folded_;
  std::vector<Word> words_;
  // Whether a word may be in the text: a 256-bit set of word hashes. Most phrases the rules
  // look for are absent, and this rules them out without comparing strings.
  bool may_contain(std::string_view word) const;
  // The same for the first two letters of words, for phrases ending in '*' ("relocat*").
  bool may_start(std::string_view prefix) const;
  std::uint64_t word_bits_[4] = {0, 0, 0, 0};
  std::uint64_t prefix_bits_[4] = {0, 0, 0, 0};
};

// "es" when the message reads as Spanish (more Spanish marker words than English ones), else "en".
std::string language_of(const FoldedText& text);

}  // namespace jorge::bots
