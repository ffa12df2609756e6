#pragma once
// Scores one lead the way POST /api/v1/score_lead answers: a 0–100 score, HOT/WARM/COLD,
// the four signals, and reasons in plain English whose points add up to the score. Three
// kinds of model answer:
//   - "rules-v1": the seed's heuristic over the four signals, when no model is active;
//   - an XGBoost JSON model over the seed's 30 lead features (lead_features.hpp), such as
//     the seed's own model file;
//   - a model from `jorge train` (format jorge-model/1), fed by name: every request field
//     and every one of the 30 features is offered under its own name, so a table whose
//     columns carry those names (`jorge train --from-store` writes one) scores leads directly.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/drift.hpp"
#include "scoring/forest.hpp"
#include "scoring/lead_features.hpp"
#include "scoring/pre_score.hpp"
#include "scoring/tabular_model.hpp"

namespace jorge::scoring {

struct LeadScore {
  std::string lead_id;
  Tier quality = Tier::kCold;  // shown as HOT, WARM, COLD (quality_name)
  double score = 0;     // 0..100
  double probability = 0, low = 0, high = 0, confidence = 0;
  double base_points = 0;  // base + Σ reasons' points = score
  LeadSignals signals;
  std::vector<Reason> reasons;  // largest |points| first; those under half a point folded into
                                // one last reason, field "other" (they would each read "+0 points")
  std::string explanation;      // the top three reasons, one sentence
  std::vector<std::string> recommendations;
  std::string model_version;
  std::vector<float> features;  // the 30 lead features it was computed from (drift)
};
// Reasons worth less than this many points, two or more, become one "other" reason at the
// end (value: how many; points: their sum), so the list stays short and still adds up.
inline constexpr double kSmallestReasonPoints = 0.5;
inline constexpr std::string_view kOtherReasons = "other";
// `reasons` sorted by |points|, largest first; true when it folded (the last reason is then "other").
bool fold_small_reasons(std::vector<Reason>& reasons);
// [{"field","value","points","text"}] and [f0, f1, ...]: how scores are stored.
std::string reasons_json(const std::vector<Reason>& reasons);
std::string features_json(const std::vector<float>& features);
// The body of POST /api/v1/score_lead's 200 answer (docs/api.md): valid UTF-8 JSON whatever the input.
std::string score_answer_json(const LeadScore& scored);

class LeadModel {
 public:
  static std::shared_ptr<const LeadModel> rules();
  // A jorge-model/1 file or an XGBoost JSON model over the 30 lead features. `version`
  // names an XGBoost model (its file has none); jorge models carry their own.
  static Result<std::shared_ptr<const LeadModel>> from_json(const std::string& json, const std::string& version);
  static Result<std::shared_ptr<const LeadModel>> from_file(const std::string& path);
  // What the registry keeps about a model file: a version (a jorge model's own; for an
  // XGBoost file its name and content hash), its kind, training-data hash and metrics.
  struct Description {
    std::string version, kind, data_sha256, metrics_json;
  };
  static Result<Description> describe(const std::string& json, const std::string& file_name);

  const std::string& version() const { return version_; }
  bool is_rules() const { return kind_ == Kind::kRules; }
  // The training distribution of its numeric inputs, when the model file carries one.
  const std::optional<DriftReference>& drift_reference() const { return drift_; }
  LeadScore score(const LeadFacts& lead, SystemTime now) const;
  // The score alone (0..100), without reasons: microseconds, for deciding a job's tier.
  double quick_score(const LeadFacts& lead, SystemTime now) const;
  // Which of the model's input columns a lead supplies (the request fields, the 30 lead
  // features, custom.* fields): all of them for rules and lead-feature trees; for a table
  // model, its source columns minus those no lead ever has (e.g. a model trained on another
  // CRM's export).
  struct Coverage {
    size_t columns = 0;                // distinct input columns of the model
    std::vector<std::string> missing;  // those a lead never supplies
    double share() const { return columns == 0 ? 1.0 : 1.0 - static_cast<double>(missing.size()) / columns; }
  };
  Coverage coverage() const;
  // kFailedPrecondition naming the missing columns when fewer than half are supplied, unless
  // `allow_partial` (scoring.allow_partial_model): such a model gives every lead nearly the
  // same score (#14).
  Status check_coverage(bool allow_partial) const;
  // HOT/WARM/COLD of a score under this model's thresholds.
  Tier quality_of(double score) const { return tier_for(score, tiers_); }

 private:
  enum class Kind { kRules, kLeadTrees, kTable };
  Kind kind_ = Kind::kRules;
  std::string version_ = "rules-v1";
  std::optional<Forest> forest_;
  std::optional<TabularModel> table_;
  TierThresholds tiers_;
  std::optional<DriftReference> drift_;
};

// How soon the pipeline should take up the lead an event brings: the active model's tier
// (HOT/WARM/COLD → hot/warm/cold), or the rules pre-score while no model is active.
Tier queue_tier(const LeadModel& model, const InboundEvent& event);

}  // namespace jorge::scoring
