#include "api/identity_api.hpp"

#include "core/json_parse.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <charconv>

namespace jorge::api {
namespace {

using nlohmann::json;

std::optional<int64_t> path_id(std::string_view text) {
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return id;
}

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

Result<identity::Thresholds> current_thresholds(store::Store& store, const identity::Thresholds& configured) {
  JORGE_TRY(std::vector<store::IdentityReview> decided, store.decided_reviews(1000));
  std::vector<identity::Decision> decisions;
  for (const auto& review : decided) decisions.push_back({review.probability, review.state == "merged"});
  identity::Thresholds thresholds = configured;
  thresholds.merge = identity::tuned_merge_threshold(decisions, configured);
  return thresholds;
}

Result<DedupSummary> apply_dedup(store::Store& store, Clock& clock, const identity::Thresholds& configured,
                                 const std::function<void(size_t, size_t)>& progress) {
  JORGE_TRY(identity::Thresholds thresholds, current_thresholds(store, configured));
  JORGE_TRY(std::vector<ContactFields> stored, store.identity_contacts());
  std::vector<ContactFields> contacts;
  contacts.reserve(stored.size());
  for (const auto& c : stored)
    contacts.push_back({c.id, c.first_name, c.last_name, c.full_name, c.email, c.phone, c.address, c.city, c.state,
                        c.postal_code});
  identity::DedupPlan plan = identity::plan_dedup(contacts, thresholds);
  DedupSummary summary{plan.contacts, plan.candidate_pairs, 0, 0, thresholds.merge};
  size_t done = 0, total = plan.merges.size() + plan.reviews.size();
  for (const auto& merge : plan.merges) {
    auto merged = store.merge_contacts(merge.kept, merge.other, merge.probability, merge.evidence_json, "dedup", clock.now());
    if (merged.ok()) ++summary.merged;
    else if (merged.error().code != ErrorCode::kFailedPrecondition) return merged.error();
    if (progress && ++done % 100 == 0) progress(done, total);
  }
  for (const auto& review : plan.reviews) {
    JORGE_TRY_STATUS(store.add_review(review.kept, review.other, review.probability, review.evidence_json, clock.now()));
    ++summary.queued_for_review;
    if (progress && ++done % 100 == 0) progress(done, total);
  }
  if (progress) progress(total, total);
  return summary;
}

void IdentityApi::add_routes(http::Router& router) {
  router.add("GET", "/api/v1/identity/review", auth_.guard([this](http::Request& request, http::Respond respond) {
    int limit = 100;
    if (auto given = path_id(request.query_param("limit")); given && *given > 0 && *given <= 1000) limit = static_cast<int>(*given);
    auto reviews = store_.open_reviews(limit);
    if (!reviews.ok()) return respond(http::error_response(reviews.error()));
    auto thresholds = current_thresholds(store_, thresholds_);
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
    auto id = path_id(request.path_param("id"));
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
      auto thresholds = current_thresholds(store_, thresholds_);
      if (thresholds.ok()) tuned_(*thresholds);
      else spdlog::warn("identity: thresholds not re-tuned after review {}: {}", *id, thresholds.error().message);
    }
    respond(http::json_response(200, answer.dump()));
  }));
  router.add("POST", "/api/v1/contacts/{id}/unmerge", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto id = path_id(request.path_param("id"));
    if (!id) return respond(http::json_error(400, "invalid_argument", "contact id must be a number"));
    auto undone = store_.unmerge_contact(*id, clock_.now());
    if (!undone.ok()) return respond(http::error_response(undone.error()));
    respond(http::json_response(200, json{{"unmerged", merge_json(*undone)}}.dump()));
  }));
  router.add("GET", "/api/v1/contacts/{id}/merges", auth_.guard([this](http::Request& request, http::Respond respond) {
    auto id = path_id(request.path_param("id"));
    if (!id) return respond(http::json_error(400, "invalid_argument", "contact id must be a number"));
    auto merges = store_.merges_of(*id);
    if (!merges.ok()) return respond(http::error_response(merges.error()));
    json list = json::array();
    for (const auto& merge : *merges) list.push_back(merge_json(merge));
    respond(http::json_response(200, json{{"merges", list}}.dump()));
  }));
}

}  // namespace jorge::api
