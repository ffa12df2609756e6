#pragma once
// Probabilistic record linkage (Fellegi–Sunter): candidate pairs from several blocking keys
// (so no record is compared with every other), a comparison level per field, m/u
// probabilities estimated by EM without labels, and each pair's match probability. Pure: no
// I/O, no clock.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jorge::identity {

enum class FieldType {
  kFirstName, kLastName, kFullName, kEmail, kPhone, kStreetNumber, kAddressLine1, kAddressLine2,
  kCity, kState, kPostalCode, kBirthDate, kExternalId
};
inline constexpr size_t kFieldTypeCount = 13;
std::optional<FieldType> parse_field_type(std::string_view name);  // "first_name", ...
std::string_view field_type_name(FieldType type);

// A field's value made comparable: lower-case ASCII letters and digits, accents and
// punctuation dropped (names, addresses), digits only (phones: the last 10; dates; codes).
std::string normalise_value(FieldType type, std::string_view raw);

struct Record {
  std::string id;
  int file = 0;  // which input it came from: pairs are within one input, or across two
  std::array<std::string, kFieldTypeCount> values;  // normalised; empty = missing
  const std::string& value(FieldType type) const { return values[static_cast<size_t>(type)]; }
};

// Levels of agreement per field: 0 disagree, 1 close (a typo, a nickname), 2 agree; 3 missing.
inline constexpr int kLevels = 3;
inline constexpr uint8_t kMissing = 3;

struct FieldWeights {
  std::array<double, kLevels> m{0.05, 0.1, 0.85}, u{0.85, 0.1, 0.05};
};
struct LinkageModel {
  std::vector<FieldType> fields;
  std::vector<FieldWeights> weights;  // per field in `fields`
  double prior = 0.01;                // share of candidate pairs that are matches
  int iterations = 0;
};

struct MatchOptions {
  double threshold = 0.5;  // report pairs at or above this probability
  size_t max_block = 500;  // a blocking key shared by more records than this is skipped (too common)
  int max_iterations = 100;
  bool across_files = false;  // two inputs: only pairs with one record from each
};

struct ScoredPair {
  uint32_t a = 0, b = 0;  // indexes into the records
  double probability = 0;
};

struct MatchResult {
  LinkageModel model;
  size_t candidate_pairs = 0;
  std::vector<ScoredPair> matches;  // probability >= threshold, highest first
};

// `progress(done, total, what)` is called now and then on long work (may be empty).
MatchResult match_records(const std::vector<Record>& records, const MatchOptions& options,
                          const std::function<void(size_t, size_t, const char*)>& progress = {});

// The comparison vector of one pair over `fields`.
std::vector<uint8_t> compare_records(const Record& a, const Record& b, const std::vector<FieldType>& fields);

// Whether two records' names say they are different people: the first or the last names
// disagree (compare_records' "disagree": no typo, no nickname, not merely swapped), or, with
// only full names known, the full names do. A name missing on either side never differs. Used
// to refuse a join on a shared phone or e-mail alone (#14: families and offices share them).
struct PersonName {
  std::string_view first, last, full;
};
bool names_clearly_differ(const PersonName& a, const PersonName& b);

}  // namespace jorge::identity
