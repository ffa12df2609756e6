#include "bots/gazetteer.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace jorge::bots {
namespace {

struct Place {
  std::string_view canonical;
  std::vector<std::string_view> aliases;
};

const std::vector<Place>& places() {
  static const std::vector<Place> kPlaces = {
      {"Austin", {"austin", "atx", "austin tx", "city of austin"}},
      {"Downtown", {"downtown", "dt", "downtown austin"}},
      {"East Austin", {"east austin", "east side", "eastside", "east atx"}},
      {"South Austin", {"south austin", "s austin", "south atx"}},
      {"North Austin", {"north austin", "n austin"}},
      {"Central Austin", {"central austin"}},
      {"West Austin", {"west austin"}},
      {"Northwest Austin", {"northwest austin", "nw austin"}},
      {"Southwest Austin", {"southwest austin", "sw austin"}},
      {"Southeast Austin", {"southeast austin", "se austin"}},
      {"Northeast Austin", {"northeast austin", "ne austin"}},
      {"Zilker", {"zilker"}},
      {"Travis Heights", {"travis heights"}},
      {"Bouldin Creek", {"bouldin", "bouldin creek"}},
      {"South Congress", {"south congress", "soco"}},
      {"Barton Hills", {"barton hills"}},
      {"Hyde Park", {"hyde park"}},
      {"North Loop", {"north loop"}},
      {"Mueller", {"mueller"}},
      {"Windsor Park", {"windsor park"}},
      {"Cherrywood", {"cherrywood"}},
      {"Tarrytown", {"tarrytown"}},
      {"Clarksville", {"clarksville"}},
      {"Allandale", {"allandale"}},
      {"Crestview", {"crestview"}},
      {"Brentwood", {"brentwood"}},
      {"Rosedale", {"rosedale"}},
      {"West Campus", {"west campus"}},
      {"Northwest Hills", {"northwest hills"}},
      {"Westlake", {"westlake", "west lake hills", "westlake hills"}},
      {"Rollingwood", {"rollingwood"}},
      {"Oak Hill", {"oak hill"}},
      {"Circle C", {"circle c", "circle c ranch"}},
      {"Steiner Ranch", {"steiner", "steiner ranch"}},
      {"Four Points", {"four points"}},
      {"Avery Ranch", {"avery ranch"}},
      {"Anderson Mill", {"anderson mill"}},
      {"Great Hills", {"great hills", "arboretum"}},
      {"The Domain", {"the domain", "domain"}},
      {"Wells Branch", {"wells branch"}},
      {"Shady Hollow", {"shady hollow"}},
      {"Southpark Meadows", {"southpark meadows"}},
      {"Onion Creek", {"onion creek"}},
      {"Dove Springs", {"dove springs"}},
      {"Montopolis", {"montopolis"}},
      {"Riverside", {"riverside"}},
      {"Sunset Valley", {"sunset valley"}},
      {"Manchaca", {"manchaca"}},
      {"Del Valle", {"del valle"}},
      {"Brushy Creek", {"brushy creek"}},
      {"Teravista", {"teravista"}},
      {"Lake Travis", {"lake travis"}},
      {"Round Rock", {"round rock", "rr", "roundrock"}},
      {"Pflugerville", {"pflugerville", "pville", "p ville", "flugerville"}},
      {"Cedar Park", {"cedar park", "cp"}},
      {"Leander", {"leander"}},
      {"Georgetown", {"georgetown", "gtown"}},
      {"Hutto", {"hutto"}},
      {"Manor", {"manor"}},
      {"Kyle", {"kyle"}},
      {"Buda", {"buda"}},
      {"Dripping Springs", {"dripping springs", "dripping"}},
      {"Lakeway", {"lakeway"}},
      {"Bee Cave", {"bee cave", "bee caves"}},
      {"Elgin", {"elgin"}},
      {"Bastrop", {"bastrop"}},
      {"San Marcos", {"san marcos"}},
      {"Liberty Hill", {"liberty hill"}},
      {"Taylor", {"taylor"}},
      {"Jarrell", {"jarrell"}},
      {"Lago Vista", {"lago vista"}},
      {"Spicewood", {"spicewood"}},
      {"Wimberley", {"wimberley"}},
  };
  return kPlaces;
}

// At most one edit (insert, delete, substitute, swap of neighbours) between a and b.
bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  // One edit in a word of three letters or more leaves its first or its last letter alone.
  if (b.size() >= 3 && !a.empty() && a.front() != b.front() && a.back() != b.back()) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;                                    // substitute
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);  // swap
  }
  return a.substr(i) == b.substr(i + 1);  // insert
}

bool is_street_suffix(std::string_view word) {
  static constexpr std::string_view kSuffixes[] = {"st", "street", "rd", "road", "dr", "drive", "ln", "lane", "ave",
                                                   "avenue", "blvd", "boulevard", "ct", "court", "cir", "circle",
                                                   "cv", "cove", "trl", "trail", "pkwy", "parkway", "pl", "way", "loop",
                                                   "bnd", "bend", "hwy", "highway", "ter", "terrace", "path"};
  return std::find(std::begin(kSuffixes), std::end(kSuffixes), word) != std::end(kSuffixes);
}

// Matches `alias` (space-separated words) at word `at`: the number of words, 0 when it does not.
size_t match_alias(const FoldedText& text, size_t at, std::string_view alias) {
  const size_t space = alias.find(' ');
  const std::string_view first = alias.substr(0, space);
  const std::string& word = text.word(at);
  const bool long_name = alias.size() - std::count(alias.begin(), alias.end(), ' ') >= 6;
  // Cheap rejections first: this runs for every word against every alias.
  const size_t diff = word.size() > first.size() ? word.size() - first.size() : first.size() - word.size();
  if (word != first && (!long_name || diff > 1)) return 0;
  if (space == std::string_view::npos) return word == first || within_one_edit(word, first) ? 1 : 0;
  const size_t parts = 1 + std::count(alias.begin(), alias.end(), ' ');
  if (at + parts > text.size()) return 0;
  std::string joined;
  for (size_t i = at; i < at + parts; ++i) {
    if (i > at) joined.push_back(' ');
    joined += text.word(i);
  }
  if (joined == alias) return parts;
  // One typo in names of six letters or more whose words are real words ("n austin" is no
  // typo of "in austin").
  for (size_t start = 0, end; start <= alias.size(); start = end + 1) {
    end = std::min(alias.find(' ', start), alias.size());
    if (end - start < 3) return 0;
  }
  return long_name && within_one_edit(joined, alias) ? parts : 0;
}

bool area_cue(const FoldedText& text, size_t at) {
  if (at == 0) return false;
  const std::string& before = text.word(at - 1);
  return before == "in" || before == "near" || before == "around" || before == "en" || before == "or" ||
         before == "and" || before == "y" || before == "o";
}

// Words people text that are one edit from a place's name: never read as its typo.
bool is_common_word(std::string_view word) {
  static constexpr std::string_view kWords[] = {"lender", "lenders", "leaner", "lander", "landers", "tailor",
                                                "tailors", "austen", "domains", "remain", "taylors"};
  return std::find(std::begin(kWords), std::end(kWords), word) != std::end(kWords);
}

// The aliases a word can start: those whose first word it is, and the long names one typo
// away (their first word's length within one of the word's). Built once; places_in asks it
// for every word of every message.
class AliasIndex {
 public:
  struct Alias {
    std::string_view text, canonical, first;
  };
  AliasIndex() {
    for (const Place& place : places())
      for (std::string_view alias : place.aliases) {
        const std::string_view first = alias.substr(0, alias.find(' '));
        by_first_word_[first].push_back({alias, place.canonical, first});
        const bool long_name = alias.size() - std::count(alias.begin(), alias.end(), ' ') >= 6;
        if (long_name) typo_candidates_[std::min(first.size(), kLongest)].push_back({alias, place.canonical, first});
      }
  }
  template <class F>
  void for_candidates(std::string_view word, F&& visit) const {
    if (const auto exact = by_first_word_.find(word); exact != by_first_word_.end())
      for (const Alias& alias : exact->second) visit(alias);
    for (size_t length = word.size() > 0 ? word.size() - 1 : 0; length <= std::min(word.size() + 1, kLongest); ++length)
      for (const Alias& alias : typo_candidates_[length])
        // One edit in the whole name is one edit in its first word, or none there (exact, above).
        // A typo keeps the first letter, and a real word one edit from a place is that word
        // ("lender" is not Leander, "Justin" not Austin).
        if (alias.first != word && !word.empty() && word.front() == alias.first.front() && !is_common_word(word) &&
            within_one_edit(word, alias.first))
          visit(alias);
  }

 private:
  static constexpr size_t kLongest = 31;
  std::unordered_map<std::string_view, std::vector<Alias>> by_first_word_;
  std::vector<Alias> typo_candidates_[kLongest + 1];
};

}  // namespace

std::vector<PlaceMention> places_in(const FoldedText& text) {
  static const AliasIndex index;
  std::vector<PlaceMention> found;
  for (size_t i = 0; i < text.size();) {
    size_t best_length = 0;
    std::string_view best;
    bool best_short = false;
    index.for_candidates(text.word(i), [&](const AliasIndex::Alias& alias) {
      const size_t length = match_alias(text, i, alias.text);
      if (length > best_length) {
        best_length = length;
        best = alias.canonical;
        best_short = alias.text.size() <= 3 && alias.text != "atx";
      }
    });
    if (best_length == 0) { ++i; continue; }
    const size_t end = i + best_length;
    bool keep = true;
    if (best_short && !area_cue(text, i) && !(end < text.size() && (text.word(end) == "or" || text.word(end) == "and")))
      keep = false;
    if (end < text.size() && is_street_suffix(text.word(end))) keep = false;  // "Manor Rd" is a street
    if (text.preceded_by(i, {"close to", "closer to", "commute to", "commute", "next to", "walking distance to"}, 3))
      keep = false;
    if (best == "Downtown" && text.preceded_by(i, {"near", "by"}, 1)) keep = false;
    // "Kyle here", "this is Taylor": people's names.
    if ((best == "Kyle" || best == "Taylor") &&
        (text.preceded_by(i, {"this is", "im", "i am", "name is", "its"}, 2) ||
         (end < text.size() && text.word(end) == "here")))
      keep = false;
    if (keep && std::none_of(found.begin(), found.end(), [&](const PlaceMention& m) { return m.canonical == best; }))
      found.push_back({std::string(best), i, end});
    i = end;
  }
  if (found.size() > 1)
    found.erase(std::remove_if(found.begin(), found.end(), [](const PlaceMention& m) { return m.canonical == "Austin"; }),
                found.end());
  return found;
}

bool is_known_area(const std::string& canonical) {
  return std::any_of(places().begin(), places().end(), [&](const Place& p) { return p.canonical == canonical; });
}

}  // namespace jorge::bots
