#include "api/models_api.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "core/json_parse.hpp"
#include "pipeline/drift_check.hpp"

namespace jorge::api {

Result<std::string> ModelsApi::check_drift() {
  const auto model = model_.current();
  JORGE_TRY(pipeline::DriftReport drift, pipeline::check_drift(store_, *model, clock_.now()));
  auto rounded = [](double psi) { return std::round(psi * 10000) / 10000; };
  nlohmann::json report = {{"model_version", drift.model_version}, {"window_days", pipeline::kDriftWindowDays},
                           {"leads", drift.leads}, {"features", nlohmann::json::array()},
                           {"max_psi", drift.max_psi ? nlohmann::json(rounded(*drift.max_psi)) : nlohmann::json()}};
  for (const pipeline::FeatureDrift& feature : drift.features) {
    report["features"].push_back({{"name", feature.name}, {"psi", rounded(feature.psi)}, {"status", feature.status}});
    metrics_.set_gauge("jorge_model_drift_psi", "Population stability index of each model input over the last week.",
                       {{"feature", feature.name}}, feature.psi);
    if (feature.psi > 0.2)
      spdlog::warn("model {} input {} has drifted: PSI {:.3f} over {} leads of the last {} days", drift.model_version,
                   feature.name, feature.psi, drift.leads, pipeline::kDriftWindowDays);
  }
  if (!drift.note.empty()) report["note"] = drift.note;
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
