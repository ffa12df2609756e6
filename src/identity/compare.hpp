#pragma once
// String and value comparisons for record linkage. Pure functions over ASCII-folded,
// lower-case text (normalise_value does that); similarities are in [0, 1].
#include <string>
#include <string_view>

namespace jorge::identity {

// Jaro–Winkler similarity (prefix scale 0.1, up to 4 characters).
double jaro_winkler(std::string_view a, std::string_view b);
// Edit distance (insert, delete, substitute), and whether two strings are one adjacent swap apart.
size_t levenshtein(std::string_view a, std::string_view b);
bool one_transposition(std::string_view a, std::string_view b);
// American Soundex ("robert" -> "r163"); empty for text without letters.
std::string soundex(std::string_view word);
// The usual given name behind a nickname ("bill" -> "william"), or the name itself.
std::string_view canonical_given_name(std::string_view name);
// Names: the better of Jaro–Winkler and nickname equality; multi-word names compared by their
// best-matching tokens (token set), so "mary ann" ~ "ann mary".
double name_similarity(std::string_view a, std::string_view b);
// Codes and numbers typed by hand (street numbers, postcodes, ids, phones): 1 equal, 0.8 one
// typo or one adjacent swap, else 0.
double code_similarity(std::string_view a, std::string_view b);
// Dates as YYYYMMDD digits: 1 equal, 0.8 day and month swapped or one digit wrong or swapped, else 0.
double date_similarity(std::string_view a, std::string_view b);

}  // namespace jorge::identity
