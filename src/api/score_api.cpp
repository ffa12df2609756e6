#include "api/score_api.hpp"

#include "core/json_writer.hpp"
#include "scoring/lead_request.hpp"

namespace jorge::api {

void ScoreApi::add_routes(http::Router& router) {
  router.add("POST", "/api/v1/score_lead", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto lead = scoring::parse_score_request(request.body);
    if (!lead.ok()) return respond(http::json_error(400, "invalid_argument", lead.error().message));
    const scoring::LeadScore scored = model_.current()->score(*lead, clock_.now());
    // Written directly: on this path a JSON DOM cost as much as the TreeSHAP itself.
    JsonWriter out(4096);  // an explained score is about 2 KB
    out.begin_object();
    out.key("lead_id").value(scored.lead_id);
    out.key("predicted_quality").value(scored.quality);
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
    respond(http::json_response(200, out.take()));
  }));
}

}  // namespace jorge::api
