#include "api/score_api.hpp"

#include "scoring/lead_request.hpp"

namespace jorge::api {

void ScoreApi::add_routes(http::Router& router) {
  router.add("POST", "/api/v1/score_lead", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto lead = scoring::parse_score_request(request.body);
    if (!lead.ok()) return respond(http::json_error(400, "invalid_argument", lead.error().message));
    const scoring::LeadScore scored = model_.current()->score(*lead, clock_.now());
    respond(http::json_response(200, scoring::score_answer_json(scored)));
  }));
}

}  // namespace jorge::api
