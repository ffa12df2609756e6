#pragma once
// What identity compares of a contact, and the answer of an online match: shared by the store
// (which finds candidates inside the ingest transaction) and identity (which judges them), so
// neither converts the other's types.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/lead.hpp"

namespace jorge {

// The fields of a contact that tell people apart (merged contacts are never among them).
struct ContactFields {
  ContactId id = 0;
  std::string first_name, last_name, full_name, email, phone, address, city, state, postal_code;
};

// How the candidates of an online match were found: they share the lead's last name and ZIP,
// or its first and last name anywhere (a lead without a ZIP, or with nobody at its ZIP). They
// weigh differently: namesakes across a city are far more often different people.
enum class CandidateBlock { kLastNameAndZip, kFullName };

struct OnlineMatch {
  ContactId contact = 0;
  double probability = 0;
  bool same = false;          // at or above the merge threshold: the lead joins this contact
  std::string evidence_json;  // field by field; when not `same`, the pair goes to review
};

// Is the incoming person one of the candidates? Pure; called inside the ingest transaction.
using OnlineMatcher = std::function<std::optional<OnlineMatch>(
    const ContactFacts& incoming, const std::vector<ContactFields>& candidates, CandidateBlock block)>;
// Whether the names of a delivery and of a known contact clearly belong to different people. Pure.
using NameConflict = std::function<bool(const ContactFacts& incoming, const ContactFields& known)>;

// A delivery's facts as identity compares them (id 0: not stored yet).
inline ContactFields contact_fields_of(const ContactFacts& facts) {
  return {0,           facts.first_name, facts.last_name, facts.full_name, facts.email,
          facts.phone ? facts.phone->e164() : "", facts.address, facts.city, facts.state, facts.postal_code};
}

}  // namespace jorge
