#pragma once
// The scores role of the store: every score given, with the model version that gave it.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::store {

// A score given to a lead, kept with the model version that gave it.
struct LeadScoreRecord {
  ContactId contact_id = 0;
  std::string model_version, quality;
  double score = 0;
  std::string reasons_json;   // [{"field","value","points","text"}]
  std::string features_json;  // the model's inputs, for drift
  SystemTime scored_at{};
};

class ScoreStore {
 public:
  virtual ~ScoreStore() = default;

  virtual Status save_lead_score(const LeadScoreRecord& score) = 0;

  virtual Result<std::optional<LeadScoreRecord>> latest_lead_score(ContactId contact) = 0;

  // Scores given since `since` (features for drift), newest first.
  virtual Result<std::vector<LeadScoreRecord>> lead_scores_since(SystemTime since, int limit) = 0;
};

}  // namespace jorge::store
