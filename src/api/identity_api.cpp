#include "api/identity_api.hpp"

#include "pipeline/identity_upkeep.hpp"

#include "core/json_parse.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <charconv>

namespace jorge::api {
namespace {

using nlohmann::json;

json merge_json(const store::MergeRecord& merge) {
  json evidence = parse_json(merge.evidence);
  return {{"id", merge.id},
          {"kept", merge.kept},
          {"merged", merge.merged},
          {"probability", merge.probability},
          {"decided_by", merge.decided_by},
          {"merged_at", format_iso8601(merge.merged_at)},
          {"undone_at", merge.undone_at ? json(format_iso8601(*merge.undone_at)) : json()},
          {"evidence", evidence.is_discarded() ? json() : evidence}};
}

}  // namespace

void IdentityApi::add_routes(http::Router& router) {
  router.add("GET", "/api/v1/identity/review", auth_.guard([this](http::Request& request, http::Respond respond) {
    int limit = 100;
    const std::string given = request.query_param("limit");
    int asked = 0;
    if (auto [end, error] = std::from_chars(given.data(), given.data() + given.size(), asked);
        !given.empty() && error == std::errc() && end == given.data() + given.size() && asked > 0 && asked <= 1000)
      limit = asked;
    auto reviews = store_.open_reviews(limit);
    if (!reviews.ok()) return respond(http::error_response(reviews.error()));
    auto thresholds = pipeline::current_thresholds(store_, thresholds_);
    if (!thresholds.ok()) return respond(http::error_response(thresholds.error()));
    json list = json::array();
    for (const auto& review : *reviews) {
      json evidence = parse_json(review.evidence);
      list.push_back({{"id", review.id},
                      {"contact_a", review.contact_a},
                      {"contact_b", review.contact_b},
                      {"probability", review.probability},
                      {"created_at", format_iso8601(review.created_at)},
                      {"evidence", evidence.is_discarded() ? json() : evidence}});
    }
    respond(http::json_response(200, json{{"reviews", list},
                                          {"merge_threshold", thresholds->merge},
                                          {"review_threshold", thresholds->review}}
                                         .dump()));
  }));
  router.add("POST", "/api/v1/identity/review/{id}", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto id = request.path_id("id");
    if (!id) return respond(http::json_error(400, "invalid_argument", "review id must be a number"));
    json body = parse_json(request.body);
    std::string decision = body.is_object() && body.contains("decision") && body["decision"].is_string()
                               ? body["decision"].get<std::string>()
                               : "";
    if (decision != "same" && decision != "different")
      return respond(http::json_error(400, "invalid_argument", "body must be {\"decision\": \"same\" | \"different\"}"));
    auto found = store_.identity_review(*id);
    if (!found.ok()) return respond(http::error_response(found.error()));
    if (!found->has_value() || (*found)->state != "open")
      return respond(http::json_error(404, "not_found", "no open review with this id"));
    const store::IdentityReview* review = &**found;
    json answer = {{"id", *id}, {"decision", decision}};
    if (decision == "same") {
      auto merged = store_.merge_contacts(std::min(review->contact_a, review->contact_b),
                                          std::max(review->contact_a, review->contact_b), review->probability,
                                          review->evidence, "review", clock_.now());
      if (!merged.ok()) return respond(http::error_response(merged.error()));
      answer["merge_id"] = *merged;
      answer["kept"] = std::min(review->contact_a, review->contact_b);
    }
    auto decided = store_.decide_review(*id, decision == "same" ? "merged" : "distinct", clock_.now());
    if (!decided.ok()) return respond(http::error_response(decided.error()));
    if (tuned_) {
      auto thresholds = pipeline::current_thresholds(store_, thresholds_);
      if (thresholds.ok()) tuned_(*thresholds);
      else spdlog::warn("identity: thresholds not re-tuned after review {}: {}", *id, thresholds.error().message);
    }
    respond(http::json_response(200, answer.dump()));
  }));
  router.add("POST", "/api/v1/contacts/{id}/unmerge", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto id = request.path_id("id");
    if (!id) return respond(http::json_error(400, "invalid_argument", "contact id must be a number"));
    auto undone = store_.unmerge_contact(*id, clock_.now());
    if (!undone.ok()) return respond(http::error_response(undone.error()));
    respond(http::json_response(200, json{{"unmerged", merge_json(*undone)}}.dump()));
  }));
  router.add("GET", "/api/v1/contacts/{id}/merges", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto id = request.path_id("id");
    if (!id) return respond(http::json_error(400, "invalid_argument", "contact id must be a number"));
    auto merges = store_.merges_of(*id);
    if (!merges.ok()) return respond(http::error_response(merges.error()));
    json list = json::array();
    for (const auto& merge : *merges) list.push_back(merge_json(merge));
    respond(http::json_response(200, json{{"merges", list}}.dump()));
  }));
}

}  // namespace jorge::api
