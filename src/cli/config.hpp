#pragma once
// Configuration: a TOML file, every key overridable by JORGE_<KEY> (dots become
// underscores: ghl.api_base_url -> JORGE_GHL_API_BASE_URL), then by command-line flags.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "queue/job_queue.hpp"

namespace jorge::cli {

struct Config {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::string database = "sqlite://./jorge.db";
  std::string api_token;
  struct Http {
    size_t max_body_bytes = 1 << 20;
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds header_timeout{10};
    int threads = 0;
    bool access_log = true;
    size_t max_connections = 0;  // 0: derived from the open-file limit (http::max_connections_for)
  } http;
  struct Ghl {
    std::string webhook_public_key_file;          // RSA, x-wh-signature
    std::string webhook_ed25519_public_key_file;  // Ed25519, x-ghl-signature
    bool verify_signatures = true;
    std::string api_base_url = "https://services.leadconnectorhq.com";
    std::string api_token;
    std::string location_id;
  } ghl;
  struct Store {
    int writer_threads = 0;
    int max_batch = 512;
    int max_pending = 20000;
  } store;
  struct Queue {
    int hot_delay = 0, warm_delay = 60, cold_delay = 300;  // seconds before a job may start
    int max_attempts = 8;
    int min_workers = 1, max_workers = 16;
    int target_latency_ms = 1000;
    int lease_seconds = 30;  // a claimed job or message returns to the queue after this
    int retry_base_ms = 1000, retry_max_seconds = 600;  // backoff: base × 2^(attempt−1), capped
  } queue;
  int workers = 2;
  bool stop_confirmation_by_jorge = true;  // compliance.stop_confirmation: "jorge" or "carrier"
  std::string team_phone;                 // compliance.team_phone: named in the HELP answer
  bool quiet_hours = true;  // compliance.quiet_hours: "us-state-rules" (true) or "off"
  // clock.start: the wall clock starts here and runs at normal speed (to try quiet hours at a
  // chosen hour, and for tests); unset: the real clock.
  std::optional<SystemTime> clock_start;
  // team.owner_user_id: the GoHighLevel user who gets the tasks no one else is assigned.
  std::string owner_user_id;
  // team.calendar_id: the GoHighLevel calendar the bot books calls on (#19); empty: no booking.
  std::string calendar_id;
  // team.notify_url: a Slack-compatible incoming webhook told of every handoff; empty: none.
  std::string notify_url;
  int ghl_requests_per_10s = 100;
  int ghl_timeout_ms = 10'000;  // per call; an unanswered send is reconciled before any retry
  std::string first_touch_team = "the Rivera Team";
  std::string scoring_model;  // a model file to score leads with; empty: rules-v1
  bool allow_partial_model = false;  // serve a model whose columns leads mostly lack (LeadModel::check_coverage)
  int retrain_hours = 24;        // scheduled challenger/champion retraining; 0: off
  int retrain_min_outcomes = 50;
  std::string log_level = "info";
  double identity_merge_threshold = 0.95;   // identity.merge_threshold
  double identity_review_threshold = 0.5;   // identity.review_threshold
  bool identity_online = true;              // identity.online_matching: fuzzy matching as leads arrive
  std::vector<std::string> source_trust;    // identity.source_trust: "ghl,manual,zillow" (most trusted first)

  // [sources.NAME]: where leads come from, how each is authenticated and what it costs.
  struct Source {
    std::string name;  // the table name: "zillow", "facebook", "open_house_csv"
    std::string kind;  // facebook | zillow | realtor | portal | email | csv (defaults to the name)
    std::string secret, username, password;  // portals: X-Jorge-Signature secret, or basic auth
    std::string app_secret, verify_token, page_access_token;  // facebook
    std::string graph_base_url = "https://graph.facebook.com", graph_version = "v21.0";
    std::string imap_url;  // email: imaps://host:993/INBOX (username, password above)
    std::string ca_file;   // email: a CA to trust besides the system's (a private mail server)
    int poll_seconds = 60;
    int64_t cost_per_lead_cents = 0, monthly_spend_cents = 0;
    std::string campaign;
    std::map<std::string, std::string, std::less<>> field_map;  // sources.NAME.map.<question> = "<field>"
    bool bots = true;  // sources.NAME.bots = false: the bots never answer this source's leads
  };
  std::map<std::string, Source> sources;

  // [bots]: the Lead and Seller Bots (docs/bots.md).
  struct Bots {
    bool enabled = true;
    std::string llm = "off";  // "off" | "claude" (bots.md §11: phrasing and extraction assist only)
    std::string llm_api_key;  // ANTHROPIC_API_KEY or bots.llm_key_file
    std::string llm_model = "claude-sonnet-4-5";
    std::string llm_url = "https://api.anthropic.com";
    int llm_timeout_ms = 3000;
    int llm_calls_per_day = 20;  // per lead
    int reply_delay_seconds = 8;        // bots.reply_delay: quick messages get one answer
    int handoff_task_minutes = 15;      // bots.handoff_task_minutes
    int human_sleep_hours = 72;         // bots.human_sleep_hours
    int max_messages_per_contact = 25;  // bots.max_messages_per_contact
    std::vector<int> followup_days = {2, 5, 8, 11, 14, 17, 20, 23, 26, 29};  // bots.followup_days (§6)
    int followup_every_days = 14;       // bots.followup_every_days: after the list, for a lead who answered
  } bots;
};

// Values as text by dotted key, from the file, the environment and flags, in rising priority.
using Settings = std::map<std::string, std::string>;

// Reads `path` (TOML). A missing file is fine when `required` is false. Unknown keys and
// wrong types are errors that name the key.
Result<Settings> read_config_file(const std::string& path, bool required);
// Adds JORGE_* variables from `environment` (NAME=VALUE strings, e.g. environ).
void apply_environment(Settings& settings, char** environment);
// What the configuration is for: `jorge serve`, or a command that only opens the database
// (`models`, `train --from-store`, `dedup --apply`, `import`), which needs no API token and no
// webhook key — those stay unchecked (and unread) there.
enum class ConfigUse { kServe, kDatabaseTool };
// The job queue's options from the queue.* keys (what `serve` and `backfill` plan jobs with).
queue::QueueOptions queue_options_of(const Config& config);
// Uniform numbers in [0, 1) for the queue's retry jitter, safe to call from any thread.
std::function<double()> jitter_source();
// Checks and converts; kInvalidArgument naming the key and what is expected.
Result<Config> build_config(const Settings& settings, ConfigUse use = ConfigUse::kServe);

}  // namespace jorge::cli
