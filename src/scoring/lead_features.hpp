#pragma once
// The seed's 30 features of a real-estate lead, in the seed's order, so a model trained on
// them (ours, or the seed's own XGBoost file) scores Jorge's leads: text cues of the
// message, the stated budget, timeline and financing, behaviour, time of arrival and source.
// Plus the four human-facing signals (0..1) the seed's API reports.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/lead.hpp"

namespace jorge::scoring {

struct LeadFacts {
  std::string lead_id;
  std::string message;
  std::string source = "ghl";
  std::optional<double> budget_min, budget_max;  // dollars
  std::optional<std::string> timeline;           // "immediate", "1-3 months", ... "just browsing"
  bool pre_approved = false, cash_buyer = false;
  std::vector<std::string> preferred_areas;
  int64_t page_views = 0, saved_properties = 0;
  std::optional<double> response_time_hours;
  int64_t interaction_count = 0, email_opens = 0;
  std::optional<SystemTime> created_at;  // when the lead arrived; now when absent
  int utc_offset_minutes = 0;            // of created_at as given, for the local hour
  // Beyond the seed's 30, offered by name to models from `jorge train`:
  int64_t distinct_sources = 1;                    // sources this person reached us through
  std::vector<std::pair<std::string, std::string>> custom_fields;  // every custom field, as text
};

inline constexpr size_t kLeadFeatureCount = 30;
const std::array<std::string_view, kLeadFeatureCount>& lead_feature_names();

// Fills `out` (kLeadFeatureCount values).
void extract_lead_features(const LeadFacts& lead, SystemTime now, std::span<float> out);

struct LeadSignals {
  double budget_quality = 0, timeline_urgency = 0, financing_readiness = 0, message_intent = 0;
};
LeadSignals lead_signals(std::span<const float> features);

// A lead as the score request would describe it, from what a source told us: its message,
// its source, and custom fields recognised by their names (budget / price with min or max,
// timeline / timeframe, pre-approval / financing, cash), as GoHighLevel forms name them.
LeadFacts lead_facts_from(const std::string& source, const std::string& message,
                          const std::vector<CustomField>& fields, SystemTime created_at, int64_t interactions);

// Dollar amounts written in a message ("$450k", "$1.2m", "600 thousand", "$550,000"), in
// thousands, kept when plausible for a house (50k to 20M).
std::vector<double> money_in_text(std::string_view message);

}  // namespace jorge::scoring
