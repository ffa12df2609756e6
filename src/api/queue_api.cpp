#include "api/queue_api.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace jorge::api {
namespace {

nlohmann::json job_json(const queue::Job& job) {
  return {{"id", job.id},
          {"kind", job_kind_name(job.kind)},
          {"lead_id", job.contact_id ? nlohmann::json(*job.contact_id) : nlohmann::json()},
          {"tier", tier_name(static_cast<Tier>(std::clamp(job.priority, 0, 2)))},
          {"attempts", job.attempts},
          {"created_at", format_iso8601(job.created_at)},
          {"last_error", job.last_error}};
}

// The text itself stays out: the list is for finding what failed and why, and message texts
// are personal data; GET /api/v1/leads/{id} shows the conversation to those who need it.
nlohmann::json message_json(const queue::OutboxMessage& message) {
  return {{"id", message.id},
          {"kind", std::string(queue::outbox_kind_name(message.kind))},
          {"lead_id", message.contact_id},
          {"tier", tier_name(static_cast<Tier>(std::clamp(message.priority, 0, 2)))},
          {"attempts", message.attempts},
          {"last_error", message.last_error}};
}

}  // namespace

void QueueApi::add_routes(http::Router& router) {
  auto guarded = [this](http::Handler handler) { return auth_.guard(std::move(handler)); };
  router.add("GET", "/api/v1/queue/status", guarded([this](http::Request&, http::Respond respond) {
    auto status = jobs_.status();
    if (!status.ok()) return respond(http::error_response(status.error()));
    nlohmann::json tiers = nlohmann::json::object();
    int64_t depth = 0;
    for (const auto& tier : status->tiers) {
      tiers[tier.tier] = {{"depth", tier.depth}, {"oldest_age_seconds", tier.oldest_age_seconds}};
      depth += tier.depth;
    }
    nlohmann::json body = {{"tiers", tiers},
                           {"depth", depth},
                           {"jobs_per_second", status->jobs_per_second},
                           {"mean_service_seconds", status->mean_service_seconds},
                           {"recommended_workers", status->recommended_workers},
                           {"dead", status->dead},
                           {"outbox", {{"pending", status->outbox_pending},
                                       {"held_quiet_hours", status->outbox_held_quiet_hours},
                                       {"blocked", status->outbox_blocked},
                                       {"follow_ups_scheduled", status->outbox_follow_ups}}}};
    respond(http::json_response(200, body.dump()));
  }));
  router.add("GET", "/api/v1/queue/dead", guarded([this](http::Request&, http::Respond respond) {
    auto dead = stored_jobs_.dead_jobs(500);
    if (!dead.ok()) return respond(http::error_response(dead.error()));
    auto dead_messages = outbox_.dead_outbox(500);
    if (!dead_messages.ok()) return respond(http::error_response(dead_messages.error()));
    nlohmann::json jobs = nlohmann::json::array(), messages = nlohmann::json::array();
    for (const auto& job : *dead) jobs.push_back(job_json(job));
    for (const auto& message : *dead_messages) messages.push_back(message_json(message));
    respond(http::json_response(200, nlohmann::json{{"jobs", jobs}, {"messages", messages}}.dump()));
  }));
  router.add("POST", "/api/v1/queue/dead/{id}/retry", guarded([this](http::Request& request, http::Respond respond) {
    auto id = request.path_id("id");
    if (!id) return respond(http::json_error(400, "invalid_argument", "job id must be a number"));
    Status revived = stored_jobs_.revive_job(*id, clock_.now());
    if (!revived.ok()) return respond(http::error_response(revived.error()));
    respond(http::json_response(200, nlohmann::json{{"id", *id}, {"state", "ready"}}.dump()));
  }));
  router.add("POST", "/api/v1/queue/dead/messages/{id}/retry",
             guarded([this](http::Request& request, http::Respond respond) {
               auto id = request.path_id("id");
               if (!id) return respond(http::json_error(400, "invalid_argument", "message id must be a number"));
               Status revived = outbox_.revive_outbox(*id, clock_.now());
               if (!revived.ok()) return respond(http::error_response(revived.error()));
               respond(http::json_response(200, nlohmann::json{{"id", *id}, {"state", "pending"}}.dump()));
             }));
}

}  // namespace jorge::api
