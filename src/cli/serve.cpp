#include <spdlog/spdlog.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "api/health.hpp"
#include "bots/first_touch.hpp"
#include "api/conversations_api.hpp"
#include "bots/llm.hpp"
#include "pipeline/claude_llm.hpp"
#include "cli/ingest_rules.hpp"
#include "identity/dedup_plan.hpp"
#include "api/identity_api.hpp"
#include "pipeline/identity_upkeep.hpp"
#include "api/leads_api.hpp"
#include "api/queue_api.hpp"
#include "api/models_api.hpp"
#include "api/score_api.hpp"
#include "api/sources_api.hpp"
#include "api/webhooks.hpp"
#include "cli/commands.hpp"
#include "core/log_throttle.hpp"
#include "pipeline/model_watcher.hpp"
#include "pipeline/outcome_training.hpp"
#include "ingest/default_adapters.hpp"
#include "http/server.hpp"
#include "pipeline/pipeline.hpp"
#include "store/store.hpp"

namespace jorge::cli {
namespace {

Result<ingest::GhlWebhookKeys> load_ghl_keys(const Config::Ghl& ghl) {
  ingest::GhlWebhookKeys keys;
  keys.verify_signatures = ghl.verify_signatures;
  if (!ghl.webhook_public_key_file.empty()) {
    auto key = ingest::PublicKey::from_pem_file(ghl.webhook_public_key_file);
    if (!key.ok() || !key->is_rsa())
      return Error{ErrorCode::kInvalidArgument, "ghl.webhook_public_key_file: " +
                                                    (key.ok() ? ghl.webhook_public_key_file + " is not an RSA key"
                                                              : key.error().message)};
    keys.rsa = *key;
  }
  if (!ghl.webhook_ed25519_public_key_file.empty()) {
    auto key = ingest::PublicKey::from_pem_file(ghl.webhook_ed25519_public_key_file);
    if (!key.ok() || !key->is_ed25519())
      return Error{ErrorCode::kInvalidArgument, "ghl.webhook_ed25519_public_key_file: " +
                                                    (key.ok() ? ghl.webhook_ed25519_public_key_file + " is not an Ed25519 key"
                                                              : key.error().message)};
    keys.ed25519 = *key;
  }
  return keys;
}

// What the configured sources bring: their webhook adapters, the Facebook fetcher's and the
// mailboxes' settings, and their costs for the ROI report.
struct SourceWiring {
  std::vector<std::unique_ptr<ingest::SourceAdapter>> adapters;
  std::optional<pipeline::FacebookFetchOptions> facebook;
  std::vector<pipeline::EmailPollOptions> mailboxes;
  std::string facebook_verify_token;
  std::vector<analytics::SourceCost> costs;
};

SourceWiring wire_sources(const Config& config, ingest::GhlWebhookKeys keys) {
  SourceWiring wiring;
  std::vector<ingest::SourceSettings> settings;
  for (const auto& [name, source] : config.sources) {
    settings.push_back({name, source.kind, source.secret, source.username, source.password, source.app_secret});
    wiring.costs.push_back({name, source.kind, source.cost_per_lead_cents, source.monthly_spend_cents, source.campaign});
    if (source.kind == "facebook") {
      wiring.facebook_verify_token = source.verify_token;
      if (source.page_access_token.empty()) {
        spdlog::warn("sources.{}.page_access_token is not set: Facebook leads are stored as notifications and fetched "
                     "once it is", name);
      } else {
        wiring.facebook = pipeline::FacebookFetchOptions{source.graph_base_url, source.graph_version,
                                                         source.page_access_token,
                                                         {source.field_map.begin(), source.field_map.end()}};
      }
    } else if (source.kind == "email") {
      pipeline::EmailPollOptions mailbox;
      mailbox.source = name;
      mailbox.imap = {source.imap_url, source.username, source.password, source.ca_file};
      mailbox.poll = std::chrono::seconds(source.poll_seconds);
      wiring.mailboxes.push_back(std::move(mailbox));
    }
    spdlog::info("source {} ({}) enabled", name, source.kind);
  }
  wiring.adapters = ingest::default_adapters(std::move(keys), settings);
  return wiring;
}

// The background half's settings: workers, the GoHighLevel client and sender, the first text,
// the model, and the one reporter of background errors (#17: counted by where and kind in
// /metrics, logged once a minute per kind; the message stays on the job or outbox row).
pipeline::PipelineOptions pipeline_options_of(const Config& config, const scoring::ActiveLeadModel& lead_model,
                                              http::Metrics& metrics) {
  pipeline::PipelineOptions pipeline_options;
  pipeline_options.workers = config.workers;
  char host[64] = "jorge";
  gethostname(host, sizeof host - 1);
  pipeline_options.instance_id = std::string(host) + "-" + std::to_string(getpid());
  pipeline_options.send = !config.ghl.api_token.empty();
  pipeline_options.ghl = {config.ghl.api_base_url, config.ghl.api_token, config.ghl.location_id,
                           config.ghl_timeout_ms};
  pipeline_options.sender.location_id = config.ghl.location_id;
  pipeline_options.sender.owner_user_id = config.owner_user_id;
  pipeline_options.sender.notify_url = config.notify_url;
  pipeline_options.sender.quiet_hours = config.quiet_hours ? pipeline::QuietHours::kUsStateRules : pipeline::QuietHours::kOff;
  pipeline_options.sender.max_attempts = config.queue.max_attempts;
  pipeline_options.sender.lease = std::chrono::seconds(config.queue.lease_seconds);
  pipeline_options.requests_per_10s = config.ghl_requests_per_10s;
  pipeline_options.first_touch.team = config.first_touch_team;
  pipeline_options.model = &lead_model;
  if (config.bots.enabled) {
    pipeline::BotOptions bots;
    bots.engine.team = config.first_touch_team;
    if (!config.team_phone.empty()) bots.engine.team_phone = config.team_phone;
    bots.engine.llm_calls_per_day = config.bots.llm_calls_per_day;
    bots.reply_delay = std::chrono::seconds(config.bots.reply_delay_seconds);
    bots.handoff_task_minutes = config.bots.handoff_task_minutes;
    bots.human_sleep_hours = config.bots.human_sleep_hours;
    bots.max_messages_per_contact = config.bots.max_messages_per_contact;
    bots.followup_days = config.bots.followup_days;
    bots.followup_every_days = config.bots.followup_every_days;
    bots.calendar_id = config.calendar_id;
    bots.notify_team = !config.notify_url.empty();
    bots.quiet_hours = config.quiet_hours;
    for (const auto& [name, source] : config.sources)
      if (!source.bots) {
        bots.sources_off.insert(name);
        if (!source.kind.empty()) bots.sources_off.insert(source.kind);
      }
    pipeline_options.bots = bots;
  }
  auto error_lines = std::make_shared<LogThrottle>(std::chrono::seconds(60), 1);
  pipeline_options.report = [&metrics, error_lines](std::string_view where, const Error& error) {
    const std::string code(error_code_name(error.code));
    metrics.increment("jorge_background_errors_total", "Errors in background work (workers, sender, fetchers), by where and kind.",
                      {{"where", std::string(where)}, {"code", code}});
    uint64_t left_out = 0;
    if (error_lines->admit(std::string(where) + "/" + code, std::chrono::steady_clock::now(), left_out))
      spdlog::warn("{}: {} ({} more like it left out of the log since the last line)", where, code, left_out);
  };
  return pipeline_options;
}

// The server's clock: the real time, or `clock.start` shifted to now (to try or test).
Clock& serving_clock(const Config& config, SystemClock& real, std::optional<ShiftedClock>& shifted) {
  if (!config.clock_start) return real;
  shifted.emplace(*config.clock_start);
  spdlog::warn("clock.start is set: the server's clock reads {} now, not the real time (use only to try or test)",
               format_iso8601(*config.clock_start));
  return *shifted;
}

// scoring.model: registered and made active at start, like `jorge models add --activate`.
Status activate_configured_model(const Config& config, store::Store& store, Clock& clock) {
  if (config.scoring_model.empty()) return ok_status();
  JORGE_TRY(std::string version, pipeline::register_model_file(store, config.scoring_model, clock.now()));
  return pipeline::activate_model_checked(store, version, config.allow_partial_model, clock.now());
}

// The REST API and the webhooks, each handler over the roles of the store it uses; they live as
// long as the server that routes to them.
struct ServedApi {
  ServedApi(const Config& config, store::Store& store, queue::JobQueue& jobs, Clock& clock, http::Metrics& metrics,
            scoring::ActiveLeadModel& lead_model, SourceWiring& sources,
            std::shared_ptr<std::atomic<double>> online_merge_threshold)
      : auth(config.api_token),
        webhooks(std::move(sources.adapters), store, jobs, metrics, lead_model, clock),
        sources_api(store, clock, auth, std::move(sources.costs)),
        identity_api(store, clock, auth, {config.identity_merge_threshold, config.identity_review_threshold},
                     [online_merge_threshold](const identity::Thresholds& tuned) {
                       online_merge_threshold->store(tuned.merge);
                     }),
        leads(store, jobs, auth, lead_model),
        queue_api(jobs, store, store, clock, auth),
        score_api(lead_model, clock, auth),
        models_api(store, lead_model, clock, auth, metrics),
        conversations_api(store, clock, auth) {}

  void add_routes(http::Router& router, store::Store& store, http::Metrics& metrics, const std::string& facebook_verify_token) {
    api::add_health_routes(router, store, metrics);
    webhooks.add_routes(router);
    if (!facebook_verify_token.empty()) webhooks.add_facebook_verification(router, facebook_verify_token);
    sources_api.add_routes(router);
    identity_api.add_routes(router);
    leads.add_routes(router);
    queue_api.add_routes(router);
    score_api.add_routes(router);
    models_api.add_routes(router);
    conversations_api.add_routes(router);
  }

  api::BearerAuth auth;
  api::Webhooks webhooks;
  api::SourcesApi sources_api;
  api::IdentityApi identity_api;
  api::LeadsApi leads;
  api::QueueApi queue_api;
  api::ScoreApi score_api;
  api::ModelsApi models_api;
  api::ConversationsApi conversations_api;
};

}  // namespace

int serve(const Config& config) {
  auto keys = load_ghl_keys(config.ghl);
  if (!keys.ok()) {
    std::fprintf(stderr, "jorge: %s\n", keys.error().message.c_str());
    return 2;
  }
  if (!config.ghl.verify_signatures)
    spdlog::warn("ghl.verify_signatures is false: anyone who can reach /webhooks/ghl can inject leads");
  if (!config.quiet_hours)
    spdlog::warn("compliance.quiet_hours is off: texts may go out at any hour (use only for tests)");

  // #14: 400 idle connections under a 256-descriptor limit once starved the database; take what
  // the hard limit allows, and let the server keep a reserve below it (http.max_connections).
  const size_t open_files = http::raise_open_file_limit();
  spdlog::info("open-file limit {}; up to {} client connections", open_files,
               config.http.max_connections > 0 ? config.http.max_connections : http::max_connections_for(open_files));
  SystemClock real_clock;
  std::optional<ShiftedClock> shifted_clock;
  Clock& clock = serving_clock(config, real_clock, shifted_clock);

  // The store, under the same identity and consent rules as every command that stores leads.
  const identity::Thresholds configured_thresholds{config.identity_merge_threshold, config.identity_review_threshold};
  // The merge threshold reviewers' decisions have tuned so far: set once the store is open and
  // after every decision; the online matcher reads it for each lead.
  auto online_merge_threshold = std::make_shared<std::atomic<double>>(configured_thresholds.merge);
  auto store = store::open_store(config.database, clock, ingest_store_options(config, online_merge_threshold));
  if (!store.ok()) {
    std::fprintf(stderr, "jorge: database: %s\n", store.error().message.c_str());
    return store.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (auto tuned = pipeline::current_thresholds(**store, configured_thresholds); tuned.ok())
    online_merge_threshold->store(tuned->merge);
  else
    spdlog::warn("identity: reviewers' decisions not read ({}); merging online at {}", tuned.error().message,
                 configured_thresholds.merge);
  queue::JobQueue jobs(**store, clock, queue_options_of(config), jitter_source());

  // The model: the configured one, then whatever the registry makes active.
  if (Status activated = activate_configured_model(config, **store, clock); !activated.ok()) {
    std::fprintf(stderr, "jorge: scoring.model: %s\n", activated.error().message.c_str());
    return 2;
  }
  scoring::ActiveLeadModel lead_model;
  pipeline::ModelWatcher model_watcher(**store, lead_model, config.allow_partial_model);
  model_watcher.start();
  if (lead_model.current()->version() == "rules-v1") spdlog::info("no active model: scoring with rules-v1");
  pipeline::Retrainer retrainer(**store, lead_model, clock, {config.retrain_hours, config.retrain_min_outcomes});
  retrainer.start();

  // The HTTP half.
  http::Metrics metrics;
  http::Router router;
  SourceWiring sources = wire_sources(config, std::move(keys).value());
  ServedApi api(config, **store, jobs, clock, metrics, lead_model, sources, online_merge_threshold);
  api.add_routes(router, **store, metrics, sources.facebook_verify_token);
  model_watcher.every_ten_minutes([&api] {
    auto drift = api.models_api.check_drift();  // gauges and warnings; the report itself is not needed here
    if (!drift.ok()) spdlog::warn("drift check: {}", drift.error().message);
  });

  // The background half.
  pipeline::PipelineOptions pipeline_options = pipeline_options_of(config, lead_model, metrics);
  pipeline_options.facebook = sources.facebook;
  pipeline_options.mailboxes = sources.mailboxes;
  // bots.llm = "claude": the model phrases replies and assists extraction (bots.md §11); it
  // lives as long as the pipeline that asks it.
  std::unique_ptr<pipeline::ClaudeLlm> claude;
  std::unique_ptr<bots::CachedLlm> cached_llm;
  if (pipeline_options.bots && config.bots.llm == "claude") {
    claude = std::make_unique<pipeline::ClaudeLlm>(crm::ClaudeClientOptions{
        config.bots.llm_url, config.bots.llm_api_key, config.bots.llm_model, config.bots.llm_timeout_ms});
    cached_llm = std::make_unique<bots::CachedLlm>(*claude);
    pipeline_options.bots->engine.llm = cached_llm.get();
    spdlog::info("bots: replies phrased and read with {} (rules and templates when it fails)", config.bots.llm_model);
  }
  pipeline::Pipeline pipeline(**store, jobs, clock, pipeline_options);
  pipeline.start();

  http::ServerOptions server_options{config.listen_host,         config.listen_port,
                                     config.http.max_body_bytes, config.http.idle_timeout,
                                     config.http.header_timeout, config.http.threads,
                                     config.http.access_log,     config.http.max_connections};
  http::Server server(server_options, router, metrics);
  auto port = server.listen();
  if (!port.ok()) {
    std::fprintf(stderr, "jorge: listen: %s\n", port.error().message.c_str());
    pipeline.stop();
    return 1;
  }
  // Tests and scripts read this line to find an ephemeral port.
  std::printf("jorge listening on http://%s:%u\n", config.listen_host.c_str(), *port);
  std::fflush(stdout);
  // Only the scheme: a PostgreSQL URL may carry a password.
  spdlog::info("serving on {}:{} with a {} database", config.listen_host, *port,
               config.database.substr(0, config.database.find("://")));
  server.run(/*handle_signals=*/true);
  pipeline.stop();    // workers and the sender finish what they hold
  (*store)->close();  // every accepted write is committed and answered before we exit
  spdlog::info("stopped cleanly");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace jorge::cli
