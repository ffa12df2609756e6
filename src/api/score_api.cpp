#include "api/score_api.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include "scoring/lead_request.hpp"

namespace jorge::api {
namespace {

double round_to(double value, double step) { return std::round(value / step) * step; }

}  // namespace

void ScoreApi::add_routes(http::Router& router) {
  router.add("POST", "/api/v1/score_lead", [this](http::Request& request, http::Respond respond) {
    if (Status allowed = auth_.check(request); !allowed.ok()) return respond(http::error_response(allowed.error()));
    auto lead = scoring::parse_score_request(request.body);
    if (!lead.ok()) return respond(http::json_error(400, "invalid_argument", lead.error().message));
    const scoring::LeadScore scored = model_.current()->score(*lead, clock_.now());
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& reason : scored.reasons)
      reasons.push_back({{"field", reason.field}, {"value", reason.value}, {"points", round_to(reason.points, 0.01)},
                         {"text", reason.text}});
    nlohmann::json body = {
        {"lead_id", scored.lead_id},
        {"predicted_quality", scored.quality},
        {"confidence", scored.confidence},
        {"score", scored.score},
        {"signals",
         {{"budget_quality", scored.signals.budget_quality},
          {"timeline_urgency", scored.signals.timeline_urgency},
          {"financing_readiness", scored.signals.financing_readiness},
          {"message_intent", scored.signals.message_intent}}},
        {"explanation", scored.explanation},
        {"recommendations", scored.recommendations},
        {"model_version", scored.model_version},
        {"probability", round_to(scored.probability, 1e-4)},
        {"probability_interval", {round_to(scored.low, 1e-4), round_to(scored.high, 1e-4)}},
        {"base_points", round_to(scored.base_points, 0.01)},
        {"reasons", reasons}};
    respond(http::json_response(200, body.dump()));
  });
}

}  // namespace jorge::api
