#pragma once
// The identity role of the store: who is who, merges that can be undone, pairs to review.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/identity_types.hpp"
#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::store {

struct MergeRecord {
  int64_t id = 0;
  ContactId kept = 0, merged = 0;
  double probability = 0;
  std::string evidence, decided_by;  // evidence: JSON, field by field
  SystemTime merged_at{};
  std::optional<SystemTime> undone_at;
};

struct IdentityReview {
  int64_t id = 0;
  ContactId contact_a = 0, contact_b = 0;
  double probability = 0;
  std::string evidence;  // JSON, field by field
  std::string state;     // open, merged, distinct
  SystemTime created_at{};
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // Records `external_id` as the person's id in `source` (the CRM), so later texts and
  // deliveries about that id find this contact. Idempotent.
  virtual Status link_crm_contact(ContactId contact, const std::string& source, const std::string& external_id,
                                  SystemTime now) = 0;

  // Identity: contacts to match, merges with everything they moved (so they can be undone), and
  // the uncertain pairs for a person to judge.
  virtual Result<std::vector<ContactFields>> identity_contacts() = 0;

  // Moves `merged`'s source records, messages, opportunities, custom fields, scores, jobs and
  // outbox rows to `kept`, fills `kept`'s empty fields from it, and hides it, in one
  // transaction; returns the merge's id. kFailedPrecondition when either is already merged.
  virtual Result<int64_t> merge_contacts(ContactId kept, ContactId merged, double probability,
                                         const std::string& evidence_json, const std::string& decided_by,
                                         SystemTime now) = 0;

  // Undoes the latest merge `contact` took part in (as kept or merged), restoring both contacts
  // exactly; returns the merge undone. kNotFound when there is none.
  virtual Result<MergeRecord> unmerge_contact(ContactId contact, SystemTime now) = 0;

  virtual Result<std::vector<MergeRecord>> merges_of(ContactId contact) = 0;

  // A pair to judge; a pair already queued is left as it is.
  virtual Status add_review(ContactId a, ContactId b, double probability, const std::string& evidence_json,
                            SystemTime now) = 0;

  virtual Result<std::vector<IdentityReview>> open_reviews(int limit) = 0;

  virtual Result<std::optional<IdentityReview>> identity_review(int64_t id) = 0;

  virtual Result<std::vector<IdentityReview>> decided_reviews(int limit) = 0;  // newest first

  // Merges not undone, made by `decided_by` ("dedup", "review"), newest first.
  virtual Result<std::vector<MergeRecord>> active_merges(const std::string& decided_by) = 0;

  // Records the decision ("merged" or "distinct"); kNotFound / kFailedPrecondition (decided before).
  virtual Result<IdentityReview> decide_review(int64_t id, const std::string& decision, SystemTime now) = 0;
};

}  // namespace jorge::store
