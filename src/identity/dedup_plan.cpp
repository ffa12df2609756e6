#include "identity/dedup_plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace jorge::identity {
namespace {

std::string json_escaped(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  return out + "\"";
}

std::string evidence(const Record& a, const Record& b, const std::vector<FieldType>& fields,
                     const std::array<std::string, kFieldTypeCount>& shown_a,
                     const std::array<std::string, kFieldTypeCount>& shown_b) {
  static const char* kNames[] = {"disagree", "close", "agree", "missing"};
  auto levels = compare_records(a, b, fields);
  std::string out = "{";
  for (size_t f = 0; f < fields.size(); ++f) {
    size_t t = static_cast<size_t>(fields[f]);
    if (out.size() > 1) out += ",";
    out += json_escaped(std::string(field_type_name(fields[f]))) + ":{\"a\":" + json_escaped(shown_a[t]) +
           ",\"b\":" + json_escaped(shown_b[t]) + ",\"agreement\":\"" + kNames[levels[f]] + "\"}";
  }
  return out + "}";
}


// A contact as a record to compare; `shown` keeps the values as stored, for evidence.
Record record_of(const ContactFields& contact, std::array<std::string, kFieldTypeCount>& shown) {
  Record record;
  record.id = std::to_string(contact.id);
  auto set = [&](FieldType type, const std::string& value) {
    shown[static_cast<size_t>(type)] = value;
    record.values[static_cast<size_t>(type)] = normalise_value(type, value);
  };
  set(FieldType::kFirstName, contact.first_name);
  set(FieldType::kLastName, contact.last_name);
  if (contact.first_name.empty() && contact.last_name.empty()) set(FieldType::kFullName, contact.full_name);
  set(FieldType::kEmail, contact.email);
  set(FieldType::kPhone, contact.phone);
  set(FieldType::kAddressLine1, contact.address);
  set(FieldType::kCity, contact.city);
  set(FieldType::kState, contact.state);
  set(FieldType::kPostalCode, contact.postal_code);
  return record;
}

}  // namespace

DedupPlan plan_dedup(const std::vector<ContactFields>& contacts, const Thresholds& thresholds) {
  std::vector<Record> records;
  std::vector<std::array<std::string, kFieldTypeCount>> shown;  // values as stored, for evidence
  records.reserve(contacts.size());
  for (const ContactFields& contact : contacts) {
    std::array<std::string, kFieldTypeCount> raw;
    records.push_back(record_of(contact, raw));
    shown.push_back(std::move(raw));
  }
  MatchOptions options;
  options.threshold = thresholds.review;
  MatchResult result = match_records(records, options);
  DedupPlan plan;
  plan.contacts = contacts.size();
  plan.candidate_pairs = result.candidate_pairs;
  plan.model = result.model;
  // Union-find over merges, strongest first; each merge joins two groups, kept = oldest.
  std::vector<size_t> parent(records.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const ScoredPair& pair : result.matches) {
    size_t a = pair.a, b = pair.b;
    if (contacts[a].id > contacts[b].id) std::swap(a, b);
    PlannedPair planned{contacts[a].id, contacts[b].id, pair.probability,
                        evidence(records[a], records[b], result.model.fields, shown[a], shown[b])};
    if (pair.probability < thresholds.merge || thresholds.merge >= 1.0) {  // 1: people decide every pair
      plan.reviews.push_back(std::move(planned));
      continue;
    }
    size_t ra = find(a), rb = find(b);
    if (ra == rb) continue;
    if (contacts[ra].id > contacts[rb].id) std::swap(ra, rb);
    planned.kept = contacts[ra].id;
    planned.other = contacts[rb].id;
    parent[rb] = ra;
    plan.merges.push_back(std::move(planned));
  }
  return plan;
}


std::optional<OnlineMatch> match_online(const ContactFields& incoming, const std::vector<ContactFields>& candidates,
                                        const Thresholds& thresholds, CandidateBlock block) {
  // m and u for disagree / close / agree. Among contacts already sharing last name and ZIP, one
  // in ten is the same person; among namesakes anywhere, one in fifty (first name agrees by
  // construction there, so it is no evidence; a ZIP is).
  static const FieldWeights kFirstName{{0.04, 0.08, 0.88}, {0.85, 0.10, 0.05}};
  static const FieldWeights kEmail{{0.70, 0.05, 0.25}, {0.9999, 0.00009, 0.00001}};
  static const FieldWeights kPhone{{0.70, 0.05, 0.25}, {0.9999, 0.00009, 0.00001}};
  static const FieldWeights kStreet{{0.15, 0.10, 0.75}, {0.90, 0.05, 0.05}};
  static const FieldWeights kCity{{0.05, 0.05, 0.90}, {0.30, 0.10, 0.60}};
  static const FieldWeights kState{{0.02, 0.00001, 0.98}, {0.05, 0.00001, 0.95}};
  static const FieldWeights kZip{{0.10, 0.05, 0.85}, {0.97, 0.02, 0.01}};
  struct Model {
    std::vector<FieldType> fields;
    std::vector<FieldWeights> weights;
    double prior;
    FieldType blocked_on;  // shown in the evidence besides the last name
  };
  static const Model kByZip{{FieldType::kFirstName, FieldType::kEmail, FieldType::kPhone, FieldType::kAddressLine1,
                             FieldType::kCity, FieldType::kState},
                            {kFirstName, kEmail, kPhone, kStreet, kCity, kState},
                            0.1,
                            FieldType::kPostalCode};
  static const Model kByName{{FieldType::kEmail, FieldType::kPhone, FieldType::kAddressLine1, FieldType::kCity,
                              FieldType::kState, FieldType::kPostalCode},
                             {kEmail, kPhone, kStreet, kCity, kState, kZip},
                             0.02,
                             FieldType::kFirstName};
  const Model& model = block == CandidateBlock::kLastNameAndZip ? kByZip : kByName;
  std::array<std::string, kFieldTypeCount> shown_in;
  Record in = record_of(incoming, shown_in);
  std::optional<OnlineMatch> best;
  for (const ContactFields& candidate : candidates) {
    std::array<std::string, kFieldTypeCount> shown_c;
    Record other = record_of(candidate, shown_c);
    auto levels = compare_records(other, in, model.fields);
    double log_odds = std::log(model.prior / (1 - model.prior));
    for (size_t f = 0; f < model.fields.size(); ++f)
      if (levels[f] != kMissing) log_odds += std::log(model.weights[f].m[levels[f]] / model.weights[f].u[levels[f]]);
    double probability = 1.0 / (1.0 + std::exp(-log_odds));
    if (probability < thresholds.review || (best && best->probability >= probability)) continue;
    std::vector<FieldType> shown_fields = model.fields;
    shown_fields.push_back(FieldType::kLastName);
    shown_fields.push_back(model.blocked_on);
    best = OnlineMatch{candidate.id, probability, probability >= thresholds.merge && thresholds.merge < 1.0,
                         evidence(other, in, shown_fields, shown_c, shown_in)};
  }
  return best;
}

OnlineMatcher make_online_matcher(Thresholds thresholds, std::shared_ptr<const std::atomic<double>> tuned_merge) {
  return [thresholds, tuned_merge](const ContactFacts& facts, const std::vector<ContactFields>& candidates,
                                   CandidateBlock block) {
    Thresholds now = thresholds;
    if (tuned_merge) now.merge = tuned_merge->load(std::memory_order_relaxed);
    return match_online(contact_fields_of(facts), candidates, now, block);
  };
}

NameConflict make_name_conflict() {
  return [](const ContactFacts& incoming, const ContactFields& known) {
    return names_clearly_differ({incoming.first_name, incoming.last_name, incoming.full_name},
                                {known.first_name, known.last_name, known.full_name});
  };
}

double tuned_merge_threshold(const std::vector<Decision>& decisions, const Thresholds& current, size_t min_decisions) {
  if (decisions.size() < min_decisions) return current.merge;
  std::vector<Decision> sorted = decisions;
  std::sort(sorted.begin(), sorted.end(), [](const Decision& x, const Decision& y) { return x.probability > y.probability; });
  // Walk down from the most probable pair while every decision says "same".
  double threshold = current.merge;
  for (const Decision& decision : sorted) {
    if (!decision.same) break;
    threshold = std::min(threshold, decision.probability);
  }
  // A "different" above the current threshold means the threshold was too low: raise it past that pair.
  for (const Decision& decision : sorted)
    if (!decision.same && decision.probability >= threshold) threshold = std::min(0.9999, decision.probability + 1e-4);
  return std::max(threshold, current.review);
}

}  // namespace jorge::identity
