#include "api/models_api.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "core/json_parse.hpp"
#include "scoring/lead_features.hpp"

namespace jorge::api {
namespace {
constexpr int kWindowDays = 7;
constexpr int kMaxLeads = 5000;
constexpr size_t kMinLeads = 30;
}  // namespace

Result<std::string> ModelsApi::check_drift() {
  const auto model = model_.current();
  const SystemTime now = clock_.now();
  nlohmann::json report = {{"model_version", model->version()}, {"window_days", kWindowDays}, {"leads", 0},
                           {"features", nlohmann::json::array()}, {"max_psi", nullptr}};
  if (!model->drift_reference()) {
    report["note"] = "this model carries no training distribution (only models made by jorge train do)";
    return report.dump();
  }
  JORGE_TRY(std::vector<store::LeadScoreRecord> scores,
            store_.lead_scores_since(now - std::chrono::hours(24 * kWindowDays), kMaxLeads));
  // The 30 lead features each score was computed from, by name.
  const auto& names = scoring::lead_feature_names();
  std::vector<std::vector<double>> columns(names.size());
  size_t leads = 0;
  for (const auto& score : scores) {
    if (score.model_version != model->version()) continue;
    auto features = parse_json(score.features_json);
    if (!features.is_array() || features.size() != names.size()) continue;
    ++leads;
    for (size_t i = 0; i < names.size(); ++i)
      columns[i].push_back(features[i].is_number() ? features[i].get<double>() : NAN);
  }
  report["leads"] = leads;
  if (leads < kMinLeads) {
    report["note"] = "too few leads scored by this model in the window (" + std::to_string(leads) + " of " +
                     std::to_string(kMinLeads) + " needed)";
    return report.dump();
  }
  double max_psi = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    auto reference = model->drift_reference()->find(std::string(names[i]));
    if (reference == model->drift_reference()->end()) continue;
    const double psi = scoring::population_stability(reference->second, columns[i]);
    max_psi = std::max(max_psi, psi);
    report["features"].push_back(
        {{"name", names[i]}, {"psi", std::round(psi * 10000) / 10000}, {"status", scoring::drift_status(psi)}});
    metrics_.set_gauge("jorge_model_drift_psi", "Population stability index of each model input over the last week.",
                       {{"feature", std::string(names[i])}}, psi);
    if (psi > 0.2)
      spdlog::warn("model {} input {} has drifted: PSI {:.3f} over {} leads of the last {} days", model->version(),
                   names[i], psi, leads, kWindowDays);
  }
  report["max_psi"] = std::round(max_psi * 10000) / 10000;
  if (report["features"].empty()) report["note"] = "none of the model's inputs is one of the 30 lead features";
  return report.dump();
}

void ModelsApi::add_routes(http::Router& router) {
  auto guarded = [this](http::Handler handler) { return auth_.guard(std::move(handler)); };
  router.add("GET", "/api/v1/models", guarded([this](http::Request&, http::Respond respond) {
    auto models = store_.list_models();
    if (!models.ok()) return respond(http::error_response(models.error()));
    nlohmann::json list = nlohmann::json::array();
    for (const auto& model : *models)
      list.push_back({{"version", model.version}, {"kind", model.kind}, {"created_at", format_iso8601(model.created_at)},
                      {"active", model.active}, {"data_sha256", model.data_sha256},
                      {"metrics", parse_json(model.metrics_json)}});
    respond(http::json_response(200, nlohmann::json{{"serving", model_.current()->version()}, {"models", list}}.dump()));
  }));
  router.add("GET", "/api/v1/models/drift", guarded([this](http::Request&, http::Respond respond) {
    auto report = check_drift();
    if (!report.ok()) return respond(http::error_response(report.error()));
    respond(http::json_response(200, *report));
  }));
}

}  // namespace jorge::api
