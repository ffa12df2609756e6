#pragma once
// The Austin-area places the bots recognise (bots.md §4.3): one canonical name each, matched
// case-insensitively on their aliases with one typo allowed in names of six letters or more.
#include <string>
#include <vector>

#include "bots/text.hpp"

namespace jorge::bots {

struct PlaceMention {
  std::string canonical;  // "South Austin"
  size_t first_word = 0, end_word = 0;  // word range in the FoldedText
};

// The places `text` names, in order, each once. "Austin" only when nothing more specific is
// named; landmarks and commutes ("close to downtown", "commute to Apple") are no place to buy;
// two- and three-letter aliases ("rr", "cp", "dt") only right after "in", "near", "around" or
// in a list of places.
std::vector<PlaceMention> places_in(const FoldedText& text);

// Whether `canonical` is a name of the table (the LLM's areas are checked against it, §11).
bool is_known_area(const std::string& canonical);

}  // namespace jorge::bots
