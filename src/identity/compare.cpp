#include "identity/compare.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <vector>

namespace jorge::identity {

double jaro_winkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a == b ? 1.0 : 0.0;
  if (a == b) return 1.0;
  const size_t window = std::max<size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<char> matched_a(a.size(), 0), matched_b(b.size(), 0);
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    size_t from = i > window ? i - window : 0, to = std::min(b.size(), i + window + 1);
    for (size_t j = from; j < to; ++j)
      if (!matched_b[j] && a[i] == b[j]) {
        matched_a[i] = matched_b[j] = 1;
        ++matches;
        break;
      }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!matched_a[i]) continue;
    while (!matched_b[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  double m = static_cast<double>(matches);
  double jaro = (m / a.size() + m / b.size() + (m - transpositions / 2.0) / m) / 3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool one_transposition(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.size() < 2) return false;
  size_t first = 0;
  while (first < a.size() && a[first] == b[first]) ++first;
  if (first + 1 >= a.size()) return false;
  return a[first] == b[first + 1] && a[first + 1] == b[first] && a.substr(first + 2) == b.substr(first + 2);
}

std::string soundex(std::string_view word) {
  static constexpr std::array<char, 26> kCodes = {'0', '1', '2', '3', '0', '1', '2', '0', '0', '2', '2', '4', '5',
                                                  '5', '0', '1', '2', '6', '2', '3', '0', '1', '0', '2', '0', '2'};
  std::string out;
  char last = 0;
  for (char c : word) {
    if (c < 'a' || c > 'z') continue;
    char code = kCodes[static_cast<size_t>(c - 'a')];
    if (out.empty()) {
      out.push_back(c);
      last = code;
      continue;
    }
    if (code != '0' && code != last) out.push_back(code);
    if (c != 'h' && c != 'w') last = code;  // h and w do not separate equal codes
    if (out.size() == 4) break;
  }
  if (!out.empty()) out.resize(4, '0');
  return out;
}

std::string_view canonical_given_name(std::string_view name) {
  static const std::map<std::string_view, std::string_view> kNicknames = {
      {"bill", "william"}, {"will", "william"}, {"billy", "william"}, {"liam", "william"}, {"bob", "robert"},
      {"rob", "robert"}, {"bobby", "robert"}, {"robbie", "robert"}, {"dick", "richard"}, {"rick", "richard"},
      {"rich", "richard"}, {"jim", "james"}, {"jimmy", "james"}, {"jamie", "james"}, {"mike", "michael"},
      {"mick", "michael"}, {"mickey", "michael"}, {"tom", "thomas"}, {"tommy", "thomas"}, {"joe", "joseph"},
      {"joey", "joseph"}, {"jo", "josephine"}, {"dave", "david"}, {"davy", "david"}, {"dan", "daniel"},
      {"danny", "daniel"}, {"chris", "christopher"}, {"kate", "katherine"}, {"katie", "katherine"},
      {"kathy", "katherine"}, {"cathy", "catherine"}, {"liz", "elizabeth"}, {"beth", "elizabeth"},
      {"betty", "elizabeth"}, {"lizzie", "elizabeth"}, {"eliza", "elizabeth"}, {"maggie", "margaret"},
      {"meg", "margaret"}, {"peggy", "margaret"}, {"jen", "jennifer"}, {"jenny", "jennifer"}, {"tony", "anthony"},
      {"alex", "alexander"}, {"sandy", "alexandra"}, {"sam", "samuel"}, {"sammy", "samuel"}, {"ben", "benjamin"},
      {"benny", "benjamin"}, {"matt", "matthew"}, {"nick", "nicholas"}, {"nicky", "nicholas"}, {"steve", "steven"},
      {"stephen", "steven"}, {"andy", "andrew"}, {"drew", "andrew"}, {"ed", "edward"}, {"eddie", "edward"},
      {"ted", "edward"}, {"charlie", "charles"}, {"chuck", "charles"}, {"greg", "gregory"}, {"jon", "jonathan"},
      {"johnny", "john"}, {"jack", "john"}, {"pat", "patricia"}, {"patty", "patricia"}, {"sue", "susan"},
      {"susie", "susan"}, {"becky", "rebecca"}, {"abby", "abigail"}, {"ally", "alison"}, {"josh", "joshua"},
      {"zach", "zachary"}, {"jake", "jacob"}, {"nate", "nathan"}, {"tim", "timothy"}, {"timmy", "timothy"},
      {"fred", "frederick"}, {"freddie", "frederick"}, {"larry", "lawrence"}, {"harry", "henry"},
      {"hank", "henry"}, {"jeff", "jeffrey"}, {"ron", "ronald"}, {"ronnie", "ronald"}, {"don", "donald"},
      {"ken", "kenneth"}, {"kenny", "kenneth"}, {"len", "leonard"}, {"lenny", "leonard"}, {"vic", "victoria"},
      {"tori", "victoria"}, {"mandy", "amanda"}, {"manny", "emmanuel"}, {"pepe", "jose"}, {"lupe", "guadalupe"},
      {"paco", "francisco"}, {"pancho", "francisco"}, {"frank", "francis"}, {"frankie", "francis"}};
  auto found = kNicknames.find(name);
  return found == kNicknames.end() ? name : found->second;
}

namespace {

std::vector<std::string_view> tokens_of(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) tokens.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

double single_name(std::string_view a, std::string_view b) {
  if (canonical_given_name(a) == canonical_given_name(b)) return 1.0;
  return jaro_winkler(a, b);
}

}  // namespace

double name_similarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a.find(' ') == std::string_view::npos && b.find(' ') == std::string_view::npos) return single_name(a, b);
  // Token set: each token of the shorter name against its best partner in the other.
  auto ta = tokens_of(a), tb = tokens_of(b);
  if (ta.size() > tb.size()) std::swap(ta, tb);
  double total = 0;
  for (auto token : ta) {
    double best = 0;
    for (auto other : tb) best = std::max(best, single_name(token, other));
    total += best;
  }
  return std::max(total / static_cast<double>(ta.size()), jaro_winkler(a, b));
}

double code_similarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (one_transposition(a, b) || levenshtein(a, b) == 1) return 0.8;
  return 0.0;
}

double date_similarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() == 8 && b.size() == 8 && a.substr(0, 4) == b.substr(0, 4) && a.substr(4, 2) == b.substr(6, 2) &&
      a.substr(6, 2) == b.substr(4, 2))
    return 0.8;  // day and month swapped
  if (one_transposition(a, b) || (a.size() == b.size() && levenshtein(a, b) == 1)) return 0.8;
  return 0.0;
}

}  // namespace jorge::identity
