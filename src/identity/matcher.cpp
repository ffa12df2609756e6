#include "identity/matcher.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "identity/compare.hpp"

namespace jorge::identity {
namespace {

constexpr std::array<std::string_view, kFieldTypeCount> kNames = {
    "first_name", "last_name", "full_name", "email", "phone", "street_number", "address_line1", "address_line2",
    "city", "state", "postal_code", "birth_date", "external_id"};

double similarity(FieldType type, const std::string& a, const std::string& b) {
  switch (type) {
    case FieldType::kFirstName:
    case FieldType::kLastName:
    case FieldType::kFullName:
    case FieldType::kAddressLine1:
    case FieldType::kAddressLine2:
    case FieldType::kCity:
      return name_similarity(a, b);
    case FieldType::kState:
      return a == b ? 1.0 : 0.0;
    case FieldType::kBirthDate:
      return date_similarity(a, b);
    case FieldType::kEmail:
    case FieldType::kPhone:
    case FieldType::kStreetNumber:
    case FieldType::kPostalCode:
    case FieldType::kExternalId:
      return code_similarity(a, b);
  }
  return 0.0;
}

uint8_t level_of(double similarity) { return similarity >= 0.93 ? 2 : similarity >= 0.75 ? 1 : 0; }

}  // namespace

std::optional<FieldType> parse_field_type(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<FieldType>(i);
  return std::nullopt;
}

std::string_view field_type_name(FieldType type) { return kNames[static_cast<size_t>(type)]; }

std::string normalise_value(FieldType type, std::string_view raw) {
  std::string out;
  bool digits_only = type == FieldType::kPhone || type == FieldType::kBirthDate || type == FieldType::kPostalCode ||
                     type == FieldType::kStreetNumber;
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x80) {
      // A Latin letter with a mark (two UTF-8 bytes, U+00C0-U+017F) stands for its base letter.
      static const char* kLatin = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
      if ((c == 0xC3) && i + 1 < raw.size()) {
        unsigned char next = static_cast<unsigned char>(raw[i + 1]) & 0x1F;
        char base = kLatin[next];
        if (!digits_only && base != '/') out.push_back(base);
        ++i;
      }
      continue;
    }
    char lower = static_cast<char>(std::tolower(c));
    if (std::isdigit(c)) out.push_back(lower);
    else if (!digits_only && std::isalpha(c)) out.push_back(lower);
    else if (!digits_only && (c == ' ' || c == '-' || c == '\'' || c == '.' || c == ',') && !out.empty() &&
             out.back() != ' ' && type != FieldType::kEmail)
      out.push_back(' ');
    else if (type == FieldType::kEmail && (c == '@' || c == '.' || c == '_' || c == '-' || c == '+'))
      out.push_back(lower);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (type == FieldType::kPhone && out.size() > 10) out = out.substr(out.size() - 10);
  if (type == FieldType::kAddressLine1 || type == FieldType::kAddressLine2) {
    // Street words to their usual abbreviations, so "Oak Street" and "Oak St" are one address.
    static const std::unordered_map<std::string, std::string> kAbbreviations = {
        {"street", "st"}, {"avenue", "ave"}, {"av", "ave"}, {"road", "rd"}, {"drive", "dr"}, {"lane", "ln"},
        {"court", "ct"}, {"place", "pl"}, {"crescent", "cres"}, {"circuit", "cct"}, {"circle", "cir"},
        {"boulevard", "blvd"}, {"parkway", "pkwy"}, {"highway", "hwy"}, {"terrace", "ter"}, {"trail", "trl"},
        {"cove", "cv"}, {"square", "sq"}, {"apartment", "apt"}, {"suite", "ste"}, {"north", "n"}, {"south", "s"},
        {"east", "e"}, {"west", "w"}};
    std::string abbreviated;
    size_t start = 0;
    while (start < out.size()) {
      size_t end = out.find(' ', start);
      if (end == std::string::npos) end = out.size();
      std::string word = out.substr(start, end - start);
      auto found = kAbbreviations.find(word);
      abbreviated += (abbreviated.empty() ? "" : " ") + (found == kAbbreviations.end() ? word : found->second);
      start = end + 1;
    }
    out = std::move(abbreviated);
  }
  return out;
}

std::vector<uint8_t> compare_records(const Record& a, const Record& b, const std::vector<FieldType>& fields) {
  std::vector<uint8_t> levels(fields.size(), kMissing);
  for (size_t f = 0; f < fields.size(); ++f) {
    const std::string &x = a.value(fields[f]), &y = b.value(fields[f]);
    if (x.empty() || y.empty()) continue;
    levels[f] = level_of(similarity(fields[f], x, y));
  }
  // First and last names typed the wrong way round: both agree crossed.
  auto first = std::find(fields.begin(), fields.end(), FieldType::kFirstName);
  auto last = std::find(fields.begin(), fields.end(), FieldType::kLastName);
  if (first != fields.end() && last != fields.end()) {
    size_t fi = first - fields.begin(), li = last - fields.begin();
    const auto &af = a.value(FieldType::kFirstName), &al = a.value(FieldType::kLastName);
    const auto &bf = b.value(FieldType::kFirstName), &bl = b.value(FieldType::kLastName);
    if (levels[fi] != 2 || levels[li] != 2) {
      uint8_t crossed_first = af.empty() || bl.empty() ? kMissing : level_of(name_similarity(af, bl));
      uint8_t crossed_last = al.empty() || bf.empty() ? kMissing : level_of(name_similarity(al, bf));
      if (crossed_first != kMissing && crossed_last != kMissing && crossed_first + crossed_last > 
          (levels[fi] == kMissing ? 0 : levels[fi]) + (levels[li] == kMissing ? 0 : levels[li])) {
        levels[fi] = crossed_first;
        levels[li] = crossed_last;
      }
    }
  }
  return levels;
}

namespace {

// Keys records share when they may be the same person; each key is one block.
std::vector<std::string> blocking_keys(const Record& r) {
  std::vector<std::string> keys;
  auto add = [&](const char* kind, const std::string& value) {
    if (!value.empty()) keys.push_back(std::string(kind) + value);
  };
  const std::string &first = r.value(FieldType::kFirstName), &last = r.value(FieldType::kLastName);
  std::string full = r.value(FieldType::kFullName);
  std::string sx_first = soundex(first), sx_last = soundex(last);
  if (sx_first.empty() && sx_last.empty() && !full.empty()) {  // only a full name: its first and last words
    sx_first = soundex(full.substr(0, full.find(' ')));
    sx_last = soundex(full.substr(full.rfind(' ') + 1));
  }
  add("email:", r.value(FieldType::kEmail));
  add("phone:", r.value(FieldType::kPhone));
  add("id:", r.value(FieldType::kExternalId));
  add("born:", r.value(FieldType::kBirthDate));
  // Names in either order, by sound.
  if (!sx_first.empty() && !sx_last.empty()) add("names:", std::min(sx_first, sx_last) + std::max(sx_first, sx_last));
  const std::string& postal = r.value(FieldType::kPostalCode);
  if (!postal.empty()) {
    add("last+zip:", sx_last.empty() ? "" : sx_last + postal);
    add("first+zip:", sx_first.empty() ? "" : sx_first + postal);
    add("number+zip:", r.value(FieldType::kStreetNumber).empty() ? "" : r.value(FieldType::kStreetNumber) + "|" + postal);
  }
  const std::string& street = r.value(FieldType::kAddressLine1);
  if (!street.empty()) add("street:", soundex(street.substr(0, street.find(' '))) + r.value(FieldType::kStreetNumber));
  return keys;
}

}  // namespace

MatchResult match_records(const std::vector<Record>& records, const MatchOptions& options,
                          const std::function<void(size_t, size_t, const char*)>& progress) {
  MatchResult result;
  // Only the fields some record has take part.
  for (size_t t = 0; t < kFieldTypeCount; ++t)
    for (const Record& r : records)
      if (!r.values[t].empty()) {
        result.model.fields.push_back(static_cast<FieldType>(t));
        break;
      }
  const auto& fields = result.model.fields;

  // Blocking: every pair sharing a key, each pair once.
  std::unordered_map<std::string, std::vector<uint32_t>> blocks;
  for (uint32_t i = 0; i < records.size(); ++i)
    for (auto& key : blocking_keys(records[i])) blocks[std::move(key)].push_back(i);
  std::unordered_set<uint64_t> seen;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (const auto& [key, members] : blocks) {
    if (members.size() < 2 || members.size() > options.max_block) continue;
    for (size_t x = 0; x < members.size(); ++x)
      for (size_t y = x + 1; y < members.size(); ++y) {
        uint32_t a = std::min(members[x], members[y]), b = std::max(members[x], members[y]);
        if (options.across_files ? records[a].file == records[b].file : records[a].file != records[b].file) continue;
        if (seen.insert((uint64_t{a} << 32) | b).second) pairs.emplace_back(a, b);
      }
  }
  result.candidate_pairs = pairs.size();
  if (progress) progress(0, pairs.size(), "comparing candidate pairs");

  // Comparison vectors, stored flat.
  const size_t width = fields.size();
  std::vector<uint8_t> gamma(pairs.size() * width);
  for (size_t p = 0; p < pairs.size(); ++p) {
    auto levels = compare_records(records[pairs[p].first], records[pairs[p].second], fields);
    std::copy(levels.begin(), levels.end(), gamma.begin() + static_cast<std::ptrdiff_t>(p * width));
    if (progress && p % 50000 == 0) progress(p, pairs.size(), "comparing candidate pairs");
  }

  // EM over the distinct comparison vectors (pairs with the same vector share a posterior).
  std::unordered_map<std::string, std::pair<size_t, size_t>> patterns;  // vector -> (first pair, count)
  for (size_t p = 0; p < pairs.size(); ++p) {
    std::string key(reinterpret_cast<const char*>(&gamma[p * width]), width);
    auto [it, inserted] = patterns.try_emplace(std::move(key), p, 0);
    ++it->second.second;
  }
  std::vector<const uint8_t*> pattern_levels;
  std::vector<double> pattern_count;
  for (const auto& [key, where] : patterns) {
    pattern_levels.push_back(&gamma[where.first * width]);
    pattern_count.push_back(static_cast<double>(where.second));
  }
  auto& weights = result.model.weights;
  weights.assign(width, FieldWeights{});
  double prior = 0.05;
  std::vector<double> posterior(pattern_levels.size());
  auto expectation = [&] {
    for (size_t k = 0; k < pattern_levels.size(); ++k) {
      double log_m = std::log(prior), log_u = std::log(1 - prior);
      for (size_t f = 0; f < width; ++f) {
        uint8_t level = pattern_levels[k][f];
        if (level == kMissing) continue;
        log_m += std::log(weights[f].m[level]);
        log_u += std::log(weights[f].u[level]);
      }
      posterior[k] = 1.0 / (1.0 + std::exp(log_u - log_m));
    }
  };
  const double total = static_cast<double>(pairs.size());
  int iteration = 0;
  for (; iteration < options.max_iterations && total > 0; ++iteration) {
    expectation();
    double matched = 0;
    std::vector<std::array<double, kLevels>> m_sum(width, {0, 0, 0}), u_sum(width, {0, 0, 0});
    for (size_t k = 0; k < pattern_levels.size(); ++k) {
      double g = posterior[k] * pattern_count[k], h = (1 - posterior[k]) * pattern_count[k];
      matched += g;
      for (size_t f = 0; f < width; ++f) {
        uint8_t level = pattern_levels[k][f];
        if (level == kMissing) continue;
        m_sum[f][level] += g;
        u_sum[f][level] += h;
      }
    }
    double next_prior = std::clamp(matched / total, 1e-6, 0.999);
    double change = std::abs(next_prior - prior);
    prior = next_prior;
    for (size_t f = 0; f < width; ++f) {
      double ms = m_sum[f][0] + m_sum[f][1] + m_sum[f][2], us = u_sum[f][0] + u_sum[f][1] + u_sum[f][2];
      for (int l = 0; l < kLevels; ++l) {
        double m = ms > 0 ? std::clamp(m_sum[f][l] / ms, 1e-5, 1 - 1e-5) : weights[f].m[l];
        double u = us > 0 ? std::clamp(u_sum[f][l] / us, 1e-5, 1 - 1e-5) : weights[f].u[l];
        change = std::max(change, std::abs(m - weights[f].m[l]));
        weights[f].m[l] = m;
        weights[f].u[l] = u;
      }
    }
    if (change < 1e-6) break;
  }
  result.model.prior = prior;
  result.model.iterations = iteration;
  expectation();
  std::unordered_map<std::string, double> probability_of;
  size_t k = 0;
  for (const auto& [key, where] : patterns) probability_of[key] = posterior[k++];
  for (size_t p = 0; p < pairs.size(); ++p) {
    double probability = probability_of[std::string(reinterpret_cast<const char*>(&gamma[p * width]), width)];
    if (probability >= options.threshold) result.matches.push_back({pairs[p].first, pairs[p].second, probability});
  }
  std::sort(result.matches.begin(), result.matches.end(),
            [](const ScoredPair& x, const ScoredPair& y) { return x.probability > y.probability; });
  return result;
}

bool names_clearly_differ(const PersonName& a, const PersonName& b) {
  auto record_of = [](const PersonName& name) {
    Record record;
    record.values[static_cast<size_t>(FieldType::kFirstName)] = normalise_value(FieldType::kFirstName, name.first);
    record.values[static_cast<size_t>(FieldType::kLastName)] = normalise_value(FieldType::kLastName, name.last);
    record.values[static_cast<size_t>(FieldType::kFullName)] = normalise_value(FieldType::kFullName, name.full);
    return record;
  };
  const Record x = record_of(a), y = record_of(b);
  const auto levels = compare_records(x, y, {FieldType::kFirstName, FieldType::kLastName, FieldType::kFullName});
  if (levels[0] != kMissing || levels[1] != kMissing) return levels[0] == 0 || levels[1] == 0;
  return levels[2] == 0;
}

}  // namespace jorge::identity
