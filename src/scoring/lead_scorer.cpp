#include "scoring/lead_scorer.hpp"
#include "core/files.hpp"
#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "core/bytes.hpp"
#include "core/json_writer.hpp"

namespace jorge::scoring {
namespace {

// printf's "%.Nf", "%.Ng" and "%%" for one number, through std::to_chars, appended to `out`:
// this runs for every reason of every request, where snprintf's locale machinery showed up in
// profiles, and appending lets a reason's words go into one string without copies between.
void append_format(std::string& out, std::string_view pattern, double value) {
  while (!pattern.empty()) {
    const size_t percent = pattern.find('%');
    out.append(pattern.substr(0, percent));
    if (percent == std::string_view::npos) break;
    pattern.remove_prefix(percent + 1);
    if (!pattern.empty() && pattern[0] == '%') {
      out.push_back('%');
      pattern.remove_prefix(1);
      continue;
    }
    // "%.Nf" (fixed, N decimals) or "%.Ng" (shortest of fixed and scientific, N significant digits)
    const bool precise = pattern.size() >= 3 && pattern[0] == '.' && std::isdigit(static_cast<unsigned char>(pattern[1]));
    const size_t end = pattern.find_first_of("fg");
    if (end == std::string_view::npos) break;
    const bool fixed = pattern[end] == 'f';
    const int digits = precise ? pattern[1] - '0' : 6;
    char buffer[64];
    // Most feature values are whole numbers (counts, dollars): written as integers, which
    // costs a tenth of the general conversion and reads the same. "%.Ng" turns scientific
    // from 10^N on (10^1 for N = 0), so only smaller whole numbers take this path.
    static constexpr double kGeneralLimit[] = {1e1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (value != 0 && value == std::trunc(value) && std::abs(value) < (fixed ? 1e15 : kGeneralLimit[digits])) {
      auto [last, error] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
      out.append(buffer, last);
      if (fixed && digits > 0) out.append(1, '.').append(static_cast<size_t>(digits), '0');
    } else {
      auto [last, error] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                         fixed ? std::chars_format::fixed : std::chars_format::general, digits);
      if (error == std::errc()) out.append(buffer, last);
    }
    pattern.remove_prefix(end + 1);
  }
}

std::string format(std::string_view pattern, double value) {
  std::string out;
  append_format(out, pattern, value);
  return out;
}

// What one of the 30 features says about this lead, in words a realtor uses, appended to `out`.
void describe_feature(std::string& out, size_t feature, float value, const LeadFacts& lead) {
  const auto text = [&out](std::string_view words, std::string_view more = {}) { out.append(words).append(more); };
  const auto number = [&out](std::string_view pattern, double x) { append_format(out, pattern, x); };
  const auto plural = [&out](double count, std::string_view one, std::string_view many, std::string_view more = {}) {
    append_format(out, "%.0f ", count);
    out.append(count == 1 ? one : many).append(more);
  };
  switch (feature) {
    case 0: return number("Message of %.0f characters", value);
    case 1: return number("Message of %.0f words", value);
    case 2: return text(value > 0 ? "Upbeat message" : value < 0 ? "Doubtful tone" : "Neutral tone");
    case 3: return value > 0 ? plural(value, "question asked", "questions asked") : text("No questions asked");
    case 4: return value > 0 ? plural(value, "exclamation mark", "exclamation marks") : text("No exclamation marks");
    case 5: return text(value > 0 ? "Budget named in the message" : "No budget in the message");
    case 6: return text(value >= 1 ? "One clear budget figure" : value > 0 ? "Budget given as a range" : "No budget figure");
    case 7: return value > 0 ? plural(value, "urgency cue", "urgency cues", " (\"asap\", \"relocating\"...)") : text("No urgency cues");
    case 8: return value > 0 ? plural(value, "financing cue", "financing cues", " (lender, loan, cash...)") : text("No financing cues");
    case 9: return value > 0 ? plural(value, "Austin area named", "Austin areas named") : text("No area named");
    case 10: return value > 0 ? plural(value, "buying cue", "buying cues", " (tour, offer, schedule...)") : text("No buying cues");
    case 11: return value > 0 ? plural(value, "hesitation cue", "hesitation cues", " (\"just looking\", \"maybe\"...)") : text("No hesitation cues");
    case 12: return value > 0 ? number("Budget from $%.0fk", value) : text("No lower budget");
    case 13: return value > 0 ? number("Budget up to $%.0fk", value) : text("No upper budget");
    case 14: return value > 0 ? number("Budget around $%.0fk", value) : text("No budget stated");
    case 15: return value > 0 ? number("Budget range %.0f%% wide", value * 100) : text("Budget a single figure");
    case 16: return value > 0 ? number("Budget %.1f× the Austin median", value) : text("Budget unknown against the market");
    case 17: return lead.timeline ? text("Timeline: ", *lead.timeline) : number("No timeline given (taken as %.0f days)", value);
    case 18: return text(value > 0 ? "Pre-approved" : "Not pre-approved");
    case 19: return text(value > 0 ? "Cash buyer" : "Not a cash buyer");
    case 20: return plural(value, "page view", "page views");
    case 21: return plural(value, "saved property", "saved properties");
    case 22: return lead.response_time_hours ? number("Answered in %.1f hours", value) : text("Response time unknown");
    case 23: return plural(value, "interaction", "interactions");
    case 24: return plural(value, "e-mail opened", "e-mails opened");
    case 25: return number("Arrived at %.0f:00", value);
    case 26: return text(value > 0 ? "Arrived on a weekend" : "Arrived on a weekday");
    case 27: return text(value == 0 ? "Arrived in the morning" : value == 1 ? "Arrived in the afternoon" : value == 2 ? "Arrived in the evening" : "Arrived at night");
    case 28: return text("Time of year");
    case 29: return text("Source: ", lead.source);
    default: return text("Feature ", std::to_string(feature));
  }
}

const std::vector<std::string>& recommendations_for(Tier quality) {
  static const std::map<Tier, std::vector<std::string>> kRecommendations = {
      {Tier::kHot, {"Call within the hour: this one is ready to move", "Put your best agent on it",
               "Line up showings in their budget now"}},
      {Tier::kWarm, {"Follow up today, by text first", "Send three listings that fit the budget",
                "Offer a lender introduction"}},
      {Tier::kCold, {"Put them on the monthly market-update drip", "Score again after their next reply"}}};
  return kRecommendations.at(quality);
}

// Request fields and the 30 features by name, as text, for a table model.
std::map<std::string, std::string> named_values(const LeadFacts& lead, std::span<const float> features) {
  std::map<std::string, std::string> values;
  for (size_t i = 0; i < kLeadFeatureCount; ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", features[i]);
    values[std::string(lead_feature_names()[i])] = buffer;
  }
  values["message"] = lead.message;
  values["source"] = lead.source;
  values["distinct_sources"] = std::to_string(lead.distinct_sources);
  for (const auto& [key, value] : lead.custom_fields) values["custom." + key] = value;
  if (lead.budget_min) values["budget_min"] = format("%.2f", *lead.budget_min);
  if (lead.budget_max) values["budget_max"] = format("%.2f", *lead.budget_max);
  if (lead.timeline) values["timeline"] = *lead.timeline;
  if (lead.response_time_hours) values["response_time_hours"] = format("%.4f", *lead.response_time_hours);
  return values;
}

}  // namespace

std::shared_ptr<const LeadModel> LeadModel::rules() {
  static const std::shared_ptr<const LeadModel> model = std::make_shared<LeadModel>();
  return model;
}

Result<std::shared_ptr<const LeadModel>> LeadModel::from_json(const std::string& json, const std::string& version) {
  auto model = std::make_shared<LeadModel>();
  if (json.find("\"jorge-model/1\"") != std::string::npos) {
    JORGE_TRY(TabularModel table, TabularModel::from_json(json));
    model->kind_ = Kind::kTable;
    model->version_ = table.version();
    auto metadata = parse_json(table.metadata_json());
    if (metadata.is_object() && metadata.contains("drift_reference")) {
      auto reference = parse_drift_reference(metadata["drift_reference"].dump());
      if (reference.ok()) model->drift_ = std::move(reference).value();
    }
    model->table_ = std::move(table);
    return std::shared_ptr<const LeadModel>(model);
  }
  JORGE_TRY(Forest forest, Forest::from_xgboost_json(json));
  if (forest.feature_count() != kLeadFeatureCount)
    return Error{ErrorCode::kInvalidArgument, "an XGBoost lead model must take the " + std::to_string(kLeadFeatureCount) +
                                                  " lead features (docs/scoring.md); this one takes " +
                                                  std::to_string(forest.feature_count())};
  model->kind_ = Kind::kLeadTrees;
  model->version_ = version;
  model->forest_ = std::move(forest);
  return std::shared_ptr<const LeadModel>(model);
}

Result<LeadModel::Description> LeadModel::describe(const std::string& json, const std::string& file_name) {
  Description description;
  if (json.find("\"jorge-model/1\"") != std::string::npos) {
    auto root = parse_json(json);
    if (!root.is_object()) return Error{ErrorCode::kInvalidArgument, "the model file is not JSON"};
    description.version = root.value("version", "");
    description.kind = root.value("kind", "table");
    description.data_sha256 = root.value("data_sha256", "");
    description.metrics_json = root.contains("metrics") ? root["metrics"].dump() : "{}";
    if (description.version.empty()) return Error{ErrorCode::kInvalidArgument, "the model file has no version"};
    return description;
  }
  std::string base = file_name.substr(file_name.find_last_of('/') + 1);
  base = base.substr(0, base.find('.'));
  description.version = (base.empty() ? "xgboost" : base) + "-" + sha256_hex(json).substr(0, 10);
  description.kind = "xgboost-leads";
  description.metrics_json = "{}";
  return description;
}

Result<std::shared_ptr<const LeadModel>> LeadModel::from_file(const std::string& path) {
  JORGE_TRY(std::string json, read_file(path));
  auto described = describe(json, path);
  if (!described.ok()) return Error{described.error().code, path + ": " + described.error().message};
  auto model = from_json(json, described->version);
  if (!model.ok()) return Error{model.error().code, path + ": " + model.error().message};
  return model;
}

std::string reasons_json(const std::vector<Reason>& reasons) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& reason : reasons)
    list.push_back({{"field", reason.field}, {"value", reason.value}, {"points", std::round(reason.points * 100) / 100},
                    {"text", reason.text}});
  return list.dump();
}

std::string features_json(const std::vector<float>& features) { return nlohmann::json(features).dump(); }

std::string score_answer_json(const LeadScore& scored) {
  // Written directly: on this path a JSON DOM cost as much as the TreeSHAP itself.
  JsonWriter out(4096);  // an explained score is about 2 KB
  out.begin_object();
  out.key("lead_id").value(scored.lead_id);
  out.key("predicted_quality").value(quality_name(scored.quality));
  out.key("confidence").value(scored.confidence, 2);
  out.key("score").value(scored.score, 1);
  out.key("signals").begin_object();
  out.key("budget_quality").value(scored.signals.budget_quality, 2);
  out.key("timeline_urgency").value(scored.signals.timeline_urgency, 2);
  out.key("financing_readiness").value(scored.signals.financing_readiness, 2);
  out.key("message_intent").value(scored.signals.message_intent, 2);
  out.end_object();
  out.key("explanation").value(scored.explanation);
  out.key("recommendations").begin_array();
  for (const auto& recommendation : scored.recommendations) out.value(recommendation);
  out.end_array();
  out.key("model_version").value(scored.model_version);
  out.key("probability").value(scored.probability, 4);
  out.key("probability_interval").begin_array().value(scored.low, 4).value(scored.high, 4).end_array();
  out.key("base_points").value(scored.base_points, 2);
  out.key("reasons").begin_array();
  for (const auto& reason : scored.reasons) {
    out.begin_object();
    out.key("field").value(reason.field);
    out.key("value").value(reason.value);
    out.key("points").value(reason.points, 2);
    out.key("text").value(reason.text);
    out.end_object();
  }
  out.end_array();
  out.end_object();
  return out.take();
}

Tier queue_tier(const LeadModel& model, const InboundEvent& event) {
  if (model.is_rules() || !event.contact) return pre_score(event).tier;
  const bool inbound = event.interaction && event.interaction->direction == Direction::kInbound;
  LeadFacts facts = lead_facts_from(event.contact->lead_source, inbound ? event.interaction->body : std::string(),
                                    event.contact->custom_fields, event.occurred_at, inbound ? 1 : 0);
  return model.quality_of(model.quick_score(facts, event.occurred_at));
}

double LeadModel::quick_score(const LeadFacts& lead, SystemTime now) const {
  float features[kLeadFeatureCount];
  extract_lead_features(lead, now, features);
  switch (kind_) {
    case Kind::kRules: {
      const LeadSignals s = lead_signals(features);
      return std::round((30 * s.budget_quality + 30 * s.timeline_urgency + 25 * s.financing_readiness +
                         15 * s.message_intent) * 10) / 10;
    }
    case Kind::kLeadTrees: return std::round(forest_->probability(features) * 1000) / 10;
    case Kind::kTable: {
      std::vector<float> encoded(table_->encoder().feature_names().size());
      table_->encoder().encode(named_values(lead, features), encoded);
      return std::round(table_->probability(encoded) * 1000) / 10;
    }
  }
  return 0;
}

LeadModel::Coverage LeadModel::coverage() const {
  Coverage coverage;
  if (kind_ != Kind::kTable) return coverage;
  std::set<std::string, std::less<>> supplied;
  for (std::string_view name : lead_feature_names()) supplied.emplace(name);
  for (const char* field : {"message", "source", "distinct_sources", "budget_min", "budget_max", "timeline",
                            "response_time_hours"})
    supplied.insert(field);
  const auto& columns = table_->encoder().source_columns();
  std::set<std::string> distinct(columns.begin(), columns.end());
  coverage.columns = distinct.size();
  for (const auto& column : distinct)
    if (!supplied.count(column) && column.rfind("custom.", 0) != 0) coverage.missing.push_back(column);
  return coverage;
}

Status LeadModel::check_coverage(bool allow_partial) const {
  const Coverage found = coverage();
  if (allow_partial || found.share() >= 0.5) return ok_status();
  std::string named;
  for (size_t i = 0; i < found.missing.size() && i < 8; ++i) named += (i ? ", " : "") + found.missing[i];
  if (found.missing.size() > 8) named += ", ...";
  return Error{ErrorCode::kFailedPrecondition,
               "model " + version_ + " reads " + std::to_string(found.columns) + " columns but leads supply only " +
                   std::to_string(found.columns - found.missing.size()) + " of them (missing: " + named +
                   "); it would give every lead nearly the same score. Train one on Jorge's own leads "
                   "(jorge train --from-store), or set scoring.allow_partial_model = true"};
}

bool fold_small_reasons(std::vector<Reason>& reasons) {
  auto small = std::find_if(reasons.begin(), reasons.end(),
                            [](const Reason& reason) { return std::abs(reason.points) < kSmallestReasonPoints; });
  const auto folded = reasons.end() - small;
  if (folded < 2) return false;  // one small reason reads better as itself
  double points = 0;
  for (auto it = small; it != reasons.end(); ++it) points += it->points;
  reasons.erase(small, reasons.end());
  reasons.push_back({std::string(kOtherReasons), std::to_string(folded), points,
                     std::to_string(folded) + " smaller factors together: " + points_text(points)});
  return true;
}

LeadScore LeadModel::score(const LeadFacts& lead, SystemTime now) const {
  LeadScore result;
  result.lead_id = lead.lead_id;
  result.model_version = version_;
  float features[kLeadFeatureCount];
  extract_lead_features(lead, now, features);
  result.features.assign(features, features + kLeadFeatureCount);
  result.signals = lead_signals(features);
  switch (kind_) {
    case Kind::kRules: {
      // The seed's heuristic: a weighted sum of the four signals, each a reason of its own.
      const std::pair<const char*, double> parts[] = {
          {"Budget quality", 30 * result.signals.budget_quality},
          {"Timeline urgency", 30 * result.signals.timeline_urgency},
          {"Financing readiness", 25 * result.signals.financing_readiness},
          {"Message intent", 15 * result.signals.message_intent}};
      for (const auto& [name, points] : parts) {
        result.score += points;
        result.reasons.push_back({name, "", points, std::string(name) + ": " + points_text(points)});
      }
      std::stable_sort(result.reasons.begin(), result.reasons.end(),
                       [](const Reason& a, const Reason& b) { return weighs_more(a.points, b.points); });
      result.score = std::round(result.score * 10) / 10;
      result.probability = result.low = result.high = result.score / 100;
      break;
    }
    case Kind::kLeadTrees: {
      double phi[kLeadFeatureCount + 1];
      forest_->shap(features, phi);
      double margin = 0;
      for (double value : phi) margin += value;
      result.probability = 1 / (1 + std::exp(-margin));
      result.low = result.high = result.probability;
      result.score = std::round(result.probability * 1000) / 10;
      result.base_points = 100 / (1 + std::exp(-phi[kLeadFeatureCount]));
      auto points = share_in_points(std::span<const double>(phi, kLeadFeatureCount), result.score, result.base_points);
      // Features in order of weight, then reasons built in that order: sorting 30 indices
      // instead of 30 reasons, and no words for those that fold into "other" below.
      size_t order[kLeadFeatureCount];
      size_t count = 0;
      for (size_t i = 0; i < kLeadFeatureCount; ++i)
        if (phi[i] != 0) order[count++] = i;
      std::stable_sort(order, order + count,
                       [&](size_t x, size_t y) { return weighs_more(points[x], points[y]); });
      result.reasons.reserve(count + 1);
      for (size_t k = 0; k < count; ++k) {
        const size_t i = order[k];
        Reason& reason = result.reasons.emplace_back();
        reason.field = lead_feature_names()[i];
        reason.points = points[i];
        if (std::abs(points[i]) < kSmallestReasonPoints) continue;  // folded below: not worth the words
        reason.value = format("%.6g", features[i]);
        reason.text.reserve(80);  // one allocation for the whole line
        describe_feature(reason.text, i, features[i], lead);
        reason.text += ": ";
        append_points(reason.text, points[i]);
      }
      break;
    }
    case Kind::kTable: {
      const auto values = named_values(lead, features);
      std::vector<float> encoded(table_->encoder().feature_names().size());
      table_->encoder().encode(values, encoded);
      const auto& sources = table_->encoder().source_columns();
      TableScore scored = table_->score(encoded, [&](size_t s) {
        auto found = values.find(sources[s]);
        return found == values.end() ? std::string() : found->second;
      });
      result.probability = scored.probability;
      result.low = scored.low;
      result.high = scored.high;
      result.score = scored.score;
      result.base_points = scored.base_points;
      result.reasons = std::move(scored.reasons);
      break;
    }
  }
  // Every kind lists its reasons largest first (weighs_more). The explanation quotes the largest
  // reasons, never the folded rest (found by position, so a model column that happens to be
  // named "other" still counts).
  // #14: fold first, then count; one expression that did both read past the end (unspecified order).
  const bool folded = fold_small_reasons(result.reasons);
  const size_t named = result.reasons.size() - (folded ? 1 : 0);
  result.quality = tier_for(result.score, tiers_);
  result.confidence = std::round(std::max(result.probability, 1 - result.probability) * 100) / 100;
  for (size_t i = 0; i < named && i < 3; ++i)
    result.explanation += (i ? "; " : "") + result.reasons[i].text;
  result.recommendations = recommendations_for(result.quality);
  return result;
}

}  // namespace jorge::scoring
