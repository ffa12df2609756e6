#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "api/health.hpp"
#include "bots/first_touch.hpp"
#include "cli/ingest_rules.hpp"
#include "identity/dedup_plan.hpp"
#include "api/identity_api.hpp"
#include "api/leads_api.hpp"
#include "api/queue_api.hpp"
#include "api/models_api.hpp"
#include "api/score_api.hpp"
#include "api/sources_api.hpp"
#include "api/webhooks.hpp"
#include "cli/commands.hpp"
#include "core/log_throttle.hpp"
#include "cli/model_watcher.hpp"
#include "cli/outcome_training.hpp"
#include "ingest/facebook/facebook_webhook.hpp"
#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/portal/portal_lead.hpp"
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

}  // namespace

int serve(const Config& config) {
  // Every connection is a file descriptor: use all the process may have (soft limit up to hard).
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  auto keys = load_ghl_keys(config.ghl);
  if (!keys.ok()) {
    std::fprintf(stderr, "jorge: %s\n", keys.error().message.c_str());
    return 2;
  }
  if (!config.ghl.verify_signatures)
    spdlog::warn("ghl.verify_signatures is false: anyone who can reach /webhooks/ghl can inject leads");

  // #14: 400 idle connections under a 256-descriptor limit once starved the database; take what
  // the hard limit allows, and let the server keep a reserve below it (http.max_connections).
  const size_t open_files = http::raise_open_file_limit();
  spdlog::info("open-file limit {}; up to {} client connections", open_files,
               config.http.max_connections > 0 ? config.http.max_connections : http::max_connections_for(open_files));
  SystemClock real_clock;
  std::optional<ShiftedClock> shifted_clock;
  if (config.clock_start) {
    shifted_clock.emplace(*config.clock_start);
    spdlog::warn("clock.start is set: the server's clock reads {} now, not the real time (use only to try or test)",
                 format_iso8601(*config.clock_start));
  }
  Clock& clock = shifted_clock ? static_cast<Clock&>(*shifted_clock) : real_clock;
  store::StoreOptions store_options = ingest_store_options();
  store_options.writer_threads = config.store.writer_threads;
  store_options.max_batch = config.store.max_batch;
  store_options.max_pending = config.store.max_pending;
  store_options.source_trust = config.source_trust;
  const identity::Thresholds configured_thresholds{config.identity_merge_threshold, config.identity_review_threshold};
  // The merge threshold reviewers' decisions have tuned so far: set once the store is open and
  // after every decision; the online matcher reads it for each lead.
  auto online_merge_threshold = std::make_shared<std::atomic<double>>(configured_thresholds.merge);
  if (config.identity_online) {
    // A new person no exact key finds is judged against the contacts with their last name and
    // ZIP, or else their first and last name.
    store_options.online_matcher = [configured_thresholds, online_merge_threshold](
                                       const ContactFacts& facts, const std::vector<store::IdentityContact>& found,
                                       store::CandidateBlock block) -> std::optional<store::OnlineMatch> {
      identity::Thresholds thresholds = configured_thresholds;
      thresholds.merge = online_merge_threshold->load(std::memory_order_relaxed);
      identity::ContactFields incoming{0, facts.first_name, facts.last_name, facts.full_name, facts.email,
                                       facts.phone ? facts.phone->e164() : "", facts.address, facts.city, facts.state,
                                       facts.postal_code};
      std::vector<identity::ContactFields> candidates;
      for (const auto& c : found)
        candidates.push_back({c.id, c.first_name, c.last_name, c.full_name, c.email, c.phone, c.address, c.city, c.state,
                              c.postal_code});
      auto verdict = identity::match_online(incoming, candidates, thresholds,
                                            block == store::CandidateBlock::kLastNameAndZip
                                                ? identity::OnlineBlock::kLastNameAndZip
                                                : identity::OnlineBlock::kFullName);
      if (!verdict) return std::nullopt;
      return store::OnlineMatch{verdict->contact, verdict->probability, verdict->same, verdict->evidence_json};
    };
  }
  if (config.stop_confirmation_by_jorge) store_options.stop_confirmation = bots::kStopConfirmation;
  store_options.help_text = bots::help_text(config.first_touch_team, config.team_phone);
  auto store = store::open_store(config.database, clock, store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "jorge: database: %s\n", store.error().message.c_str());
    return store.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }

  queue::QueueOptions queue_options = queue_options_of(config);
  queue::JobQueue jobs(**store, clock, queue_options, jitter_source());

  scoring::ActiveLeadModel lead_model;
  if (!config.scoring_model.empty()) {
    // scoring.model: registered and made active at start, like `jorge models add --activate`.
    auto version = register_model_file(**store, config.scoring_model, clock.now());
    Status activated = version.ok() ? activate_model_checked(**store, *version, config.allow_partial_model, clock.now())
                                    : Status(version.error());
    if (!activated.ok()) {
      std::fprintf(stderr, "jorge: scoring.model: %s\n", activated.error().message.c_str());
      return 2;
    }
  }
  ModelWatcher model_watcher(**store, lead_model, config.allow_partial_model);
  model_watcher.start();
  if (lead_model.current()->version() == "rules-v1") spdlog::info("no active model: scoring with rules-v1");
  Retrainer retrainer(**store, lead_model, clock, {config.retrain_hours, config.retrain_min_outcomes});
  retrainer.start();
  http::Metrics metrics;
  http::Router router;
  api::add_health_routes(router, **store, metrics);
  std::vector<std::unique_ptr<ingest::SourceAdapter>> adapters;
  adapters.push_back(ingest::make_ghl_adapter(std::move(keys).value()));
  std::optional<pipeline::FacebookFetchOptions> facebook;
  std::vector<pipeline::EmailPollOptions> mailboxes;
  std::string facebook_verify_token;
  std::vector<api::SourceCost> source_costs;
  for (const auto& [name, source] : config.sources) {
    source_costs.push_back({name, source.kind, source.cost_per_lead_cents, source.monthly_spend_cents, source.campaign});
    if (source.kind == "facebook") {
      adapters.push_back(ingest::make_facebook_adapter(source.app_secret));
      facebook_verify_token = source.verify_token;
      if (source.page_access_token.empty()) {
        spdlog::warn("sources.{}.page_access_token is not set: Facebook leads are stored as notifications and fetched "
                     "once it is", name);
      } else {
        facebook = pipeline::FacebookFetchOptions{source.graph_base_url, source.graph_version,
                                                  source.page_access_token,
                                                  {source.field_map.begin(), source.field_map.end()}};
      }
    } else if (source.kind == "email") {
      pipeline::EmailPollOptions mailbox;
      mailbox.source = name;
      mailbox.imap = {source.imap_url, source.username, source.password, source.ca_file};
      mailbox.poll = std::chrono::seconds(source.poll_seconds);
      mailboxes.push_back(std::move(mailbox));
    } else if (source.kind == "zillow" || source.kind == "realtor" || source.kind == "portal") {
      adapters.push_back(ingest::make_portal_adapter(name, {source.secret, source.username, source.password}));
    }
    spdlog::info("source {} ({}) enabled", name, source.kind);
  }
  api::Webhooks webhooks(std::move(adapters), **store, jobs, metrics, lead_model, clock);
  webhooks.add_routes(router);
  if (!facebook_verify_token.empty()) webhooks.add_facebook_verification(router, facebook_verify_token);
  api::BearerAuth auth(config.api_token);
  api::SourcesApi sources_api(**store, clock, auth, std::move(source_costs));
  sources_api.add_routes(router);
  if (auto tuned = api::current_thresholds(**store, configured_thresholds); tuned.ok())
    online_merge_threshold->store(tuned->merge);
  else
    spdlog::warn("identity: reviewers' decisions not read ({}); merging online at {}", tuned.error().message,
                 configured_thresholds.merge);
  api::IdentityApi identity_api(**store, clock, auth, configured_thresholds,
                                [online_merge_threshold](const identity::Thresholds& tuned) {
                                  online_merge_threshold->store(tuned.merge);
                                });
  identity_api.add_routes(router);
  api::LeadsApi leads(**store, jobs, auth, lead_model);
  leads.add_routes(router);
  api::QueueApi queue_api(jobs, **store, **store, clock, auth);
  queue_api.add_routes(router);
  api::ScoreApi score_api(lead_model, clock, auth);
  score_api.add_routes(router);
  api::ModelsApi models_api(**store, lead_model, clock, auth, metrics);
  models_api.add_routes(router);
  model_watcher.every_ten_minutes([&models_api] {
    auto drift = models_api.check_drift();  // gauges and warnings; the report itself is not needed here
    if (!drift.ok()) spdlog::warn("drift check: {}", drift.error().message);
  });

  http::ServerOptions server_options{config.listen_host,         config.listen_port,
                                     config.http.max_body_bytes, config.http.idle_timeout,
                                     config.http.header_timeout, config.http.threads,
                                     config.http.access_log,     config.http.max_connections};
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
  pipeline_options.sender.quiet_hours = config.quiet_hours ? pipeline::QuietHours::kUsStateRules : pipeline::QuietHours::kOff;
  pipeline_options.sender.max_attempts = config.queue.max_attempts;
  pipeline_options.sender.lease = std::chrono::seconds(config.queue.lease_seconds);
  pipeline_options.requests_per_10s = config.ghl_requests_per_10s;
  pipeline_options.first_touch.team = config.first_touch_team;
  pipeline_options.model = &lead_model;
  pipeline_options.facebook = facebook;
  pipeline_options.mailboxes = mailboxes;
  // #17: no background error goes unseen: each is counted by where and kind, and logged once
  // a minute per kind (the message stays on the job or outbox row, readable from the API).
  auto error_lines = std::make_shared<LogThrottle>(std::chrono::seconds(60), 1);
  pipeline_options.report = [&metrics, error_lines](std::string_view where, const Error& error) {
    const std::string code(error_code_name(error.code));
    metrics.increment("jorge_background_errors_total", "Errors in background work (workers, sender, fetchers), by where and kind.",
                      {{"where", std::string(where)}, {"code", code}});
    uint64_t left_out = 0;
    if (error_lines->admit(std::string(where) + "/" + code, std::chrono::steady_clock::now(), left_out))
      spdlog::warn("{}: {} ({} more like it left out of the log since the last line)", where, code, left_out);
  };
  if (!config.quiet_hours)
    spdlog::warn("compliance.quiet_hours is off: texts may go out at any hour (use only for tests)");
  pipeline::Pipeline pipeline(**store, jobs, clock, pipeline_options);
  pipeline.start();

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
