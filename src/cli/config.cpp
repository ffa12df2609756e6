#include "cli/config.hpp"
#include "core/text.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <tuple>
#include <sstream>

namespace jorge::cli {
namespace {

const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {
      "listen", "database", "api_token", "api_token_file", "log.level",
      "http.max_body_bytes", "http.idle_timeout", "http.header_timeout", "http.threads", "http.access_log", "http.max_connections",
      "ghl.webhook_public_key_file", "ghl.webhook_ed25519_public_key_file", "ghl.verify_signatures",
      "ghl.api_base_url", "ghl.api_token", "ghl.location_id",
      "store.writer_threads", "store.max_batch", "store.max_pending",
      "queue.hot_delay", "queue.warm_delay", "queue.cold_delay", "queue.max_attempts", "queue.min_workers",
      "queue.max_workers", "queue.target_latency_ms", "queue.lease_seconds", "queue.retry_base_ms", "queue.retry_max_seconds", "workers", "compliance.quiet_hours", "clock.start",
      "ghl.requests_per_10s", "ghl.timeout_ms", "scoring.model", "scoring.allow_partial_model", "scoring.retrain_hours", "scoring.retrain_min_outcomes", "first_touch.team", "compliance.stop_confirmation", "compliance.team_phone", "team.owner_user_id", "team.calendar_id", "team.notify_url",
      "identity.merge_threshold", "identity.review_threshold", "identity.online_matching",
      "identity.source_trust", "bots.enabled", "bots.llm", "bots.llm_api_key", "bots.llm_key_file", "bots.llm_model",
      "bots.llm_url", "bots.llm_timeout_ms", "bots.llm_calls_per_day", "bots.reply_delay", "bots.handoff_task_minutes",
      "bots.human_sleep_hours", "bots.max_messages_per_contact", "bots.followup_days", "bots.followup_every_days"};
  return keys;
}

void flatten(const toml::table& table, const std::string& prefix, Settings& out, std::string& error) {
  for (const auto& [name, node] : table) {
    std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    if (const toml::table* inner = node.as_table()) {
      flatten(*inner, key, out, error);
    } else if (auto text = node.value<std::string>(); text && node.is_string()) {
      out[key] = *text;
    } else if (node.is_integer()) {
      out[key] = std::to_string(*node.value<int64_t>());
    } else if (node.is_floating_point()) {
      char number[32];
      std::snprintf(number, sizeof number, "%.17g", *node.value<double>());
      out[key] = number;
    } else if (node.is_boolean()) {
      out[key] = *node.value<bool>() ? "true" : "false";
    } else if (const toml::array* list = node.as_array(); list && list->is_homogeneous(toml::node_type::integer)) {
      // A list of whole numbers ("bots.followup_days = [2, 5, 8]") reads as "2,5,8", as the
      // environment writes it.
      std::string joined;
      for (const auto& item : *list) joined += (joined.empty() ? "" : ",") + std::to_string(*item.value<int64_t>());
      out[key] = joined;
    } else if (error.empty()) {
      error = key + ": expected a string, an integer, a boolean or a list of whole numbers";
    }
  }
}

// Keys a [sources.NAME] table may hold; each secret also as <key>_file.
const std::set<std::string, std::less<>>& source_keys() {
  static const std::set<std::string, std::less<>> keys = {
      "kind", "secret", "secret_file", "username", "password", "password_file", "app_secret", "app_secret_file",
      "verify_token", "verify_token_file", "page_access_token", "page_access_token_file", "graph_base_url",
      "graph_version", "imap_url", "ca_file", "poll_seconds", "cost_per_lead", "monthly_spend", "campaign", "bots"};
  return keys;
}

// "sources.NAME.KEY" or "sources.NAME.map.QUESTION".
bool is_source_key(const std::string& key) {
  if (key.rfind("sources.", 0) != 0) return false;
  size_t dot = key.find('.', 8);
  if (dot == std::string::npos || dot == 8) return false;
  std::string rest = key.substr(dot + 1);
  return source_keys().count(rest) || (rest.rfind("map.", 0) == 0 && rest.size() > 4);
}

Error bad(const std::string& key, const std::string& expected) {
  return Error{ErrorCode::kInvalidArgument, key + ": " + expected};
}

Result<int64_t> integer(const Settings& settings, const std::string& key, int64_t fallback, int64_t low, int64_t high) {
  auto found = settings.find(key);
  if (found == settings.end()) return fallback;
  int64_t value = 0;
  const std::string& text = found->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high)
    return bad(key, "expected an integer from " + std::to_string(low) + " to " + std::to_string(high) + ", got \"" +
                        text + "\"");
  return value;
}

Result<bool> boolean(const Settings& settings, const std::string& key, bool fallback) {
  auto found = settings.find(key);
  if (found == settings.end()) return fallback;
  if (found->second == "true" || found->second == "1") return true;
  if (found->second == "false" || found->second == "0") return false;
  return bad(key, "expected true or false, got \"" + found->second + "\"");
}

std::string text(const Settings& settings, const std::string& key, const std::string& fallback) {
  auto found = settings.find(key);
  return found == settings.end() ? fallback : found->second;
}

Result<std::string> read_secret_file(const std::string& key, const std::string& path) {
  std::ifstream file(path);
  if (!file) return bad(key, "cannot read " + path);
  std::stringstream contents;
  contents << file.rdbuf();
  std::string secret = contents.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  return secret;
}

// A secret given inline or as <key>_file (the file's text, trailing newline dropped).
Result<std::string> secret(const Settings& settings, const std::string& key) {
  if (auto found = settings.find(key); found != settings.end()) return found->second;
  if (auto file = settings.find(key + "_file"); file != settings.end()) return read_secret_file(key + "_file", file->second);
  return std::string();
}

Result<int64_t> dollars_to_cents(const Settings& settings, const std::string& key) {
  auto found = settings.find(key);
  if (found == settings.end()) return int64_t{0};
  char* end = nullptr;
  double dollars = std::strtod(found->second.c_str(), &end);
  if (end == found->second.c_str() || *end != '\0' || dollars < 0 || dollars > 1e9)
    return bad(key, "expected an amount of dollars, e.g. 35 or 35.50, got \"" + found->second + "\"");
  return static_cast<int64_t>(dollars * 100 + 0.5);
}

Result<std::map<std::string, Config::Source>> build_sources(const Settings& settings) {
  std::map<std::string, Config::Source> sources;
  for (const auto& [key, value] : settings) {
    if (!is_source_key(key)) continue;
    std::string name = key.substr(8, key.find('.', 8) - 8);
    if (sources.count(name)) continue;
    const std::string at = "sources." + name + ".";
    Config::Source source;
    source.name = name;
    source.kind = text(settings, at + "kind", name);
    static const std::set<std::string> kinds = {"facebook", "zillow", "realtor", "portal", "email", "csv"};
    if (!kinds.count(source.kind))
      return bad(at + "kind", "expected facebook, zillow, realtor, portal, email or csv (it defaults to the table's "
                              "name, \"" + name + "\")");
    for (char c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
        return bad("sources." + name, "a source name may hold letters, digits, '_' and '-' only");
    JORGE_TRY(source.secret, secret(settings, at + "secret"));
    source.username = text(settings, at + "username", "");
    JORGE_TRY(source.password, secret(settings, at + "password"));
    JORGE_TRY(source.app_secret, secret(settings, at + "app_secret"));
    JORGE_TRY(source.verify_token, secret(settings, at + "verify_token"));
    JORGE_TRY(source.page_access_token, secret(settings, at + "page_access_token"));
    source.graph_base_url = text(settings, at + "graph_base_url", source.graph_base_url);
    if (source.graph_base_url.rfind("http://", 0) != 0 && source.graph_base_url.rfind("https://", 0) != 0)
      return bad(at + "graph_base_url", "expected an http:// or https:// URL");
    source.graph_version = text(settings, at + "graph_version", source.graph_version);
    if (source.graph_version.empty() || source.graph_version[0] != 'v')
      return bad(at + "graph_version", "expected a pinned Graph API version such as v21.0");
    source.imap_url = text(settings, at + "imap_url", "");
    source.ca_file = text(settings, at + "ca_file", "");
    JORGE_TRY(int64_t poll, integer(settings, at + "poll_seconds", 60, 1, 86400));
    source.poll_seconds = static_cast<int>(poll);
    JORGE_TRY(source.cost_per_lead_cents, dollars_to_cents(settings, at + "cost_per_lead"));
    JORGE_TRY(source.monthly_spend_cents, dollars_to_cents(settings, at + "monthly_spend"));
    source.campaign = text(settings, at + "campaign", "");
    JORGE_TRY(source.bots, boolean(settings, at + "bots", true));
    for (const auto& [mapped, field] : settings)
      if (mapped.rfind(at + "map.", 0) == 0) source.field_map[mapped.substr(at.size() + 4)] = field;
    if (source.kind == "facebook" && source.app_secret.empty())
      return bad(at + "app_secret", "not set: Facebook notifications cannot be verified without the app secret "
                                    "(App Dashboard > Settings > Basic)");
    if ((source.kind == "zillow" || source.kind == "realtor" || source.kind == "portal") && source.secret.empty() &&
        source.username.empty())
      return bad(at + "secret", "not set: set the shared secret the relay signs with (X-Jorge-Signature), or "
                                "username and password for basic auth");
    if (source.kind == "email") {
      if (source.imap_url.rfind("imaps://", 0) != 0 && source.imap_url.rfind("imap://", 0) != 0)
        return bad(at + "imap_url", "expected imaps://HOST[:993]/MAILBOX (imap:// only on a trusted network)");
      if (source.username.empty() || source.password.empty())
        return bad(at + "username", "the mailbox needs username and password (or password_file)");
    }
    sources.emplace(name, std::move(source));
  }
  return sources;
}

}  // namespace

Result<Settings> read_config_file(const std::string& path, bool required) {
  Settings settings;
  std::ifstream probe(path);
  if (!probe) {
    if (required) return Error{ErrorCode::kInvalidArgument, "config: cannot read " + path};
    return settings;
  }
  toml::table parsed;
  try {
    parsed = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    return Error{ErrorCode::kInvalidArgument, "config: " + path + ":" + std::to_string(error.source().begin.line) +
                                                  ": " + std::string(error.description())};
  }
  std::string error;
  flatten(parsed, "", settings, error);
  if (!error.empty()) return Error{ErrorCode::kInvalidArgument, error};
  for (const auto& [key, value] : settings)
    if (!known_keys().count(key) && !is_source_key(key))
      return bad(key, "unknown key in " + path + " (see docs/configuration.md)");
  return settings;
}

void apply_environment(Settings& settings, char** environment) {
  // JORGE_SOURCES_<NAME>_<KEY>: the longest key that ends the variable's name wins
  // (APP_SECRET before SECRET); the rest is the source's name, lower-cased.
  for (char** entry = environment; entry && *entry; ++entry) {
    std::string_view variable(*entry);
    constexpr std::string_view kPrefix = "JORGE_SOURCES_";
    size_t equals = variable.find('=');
    if (variable.substr(0, kPrefix.size()) != kPrefix || equals == std::string_view::npos) continue;
    std::string name_and_key(variable.substr(kPrefix.size(), equals - kPrefix.size()));
    std::string best;
    for (const std::string& key : source_keys()) {
      std::string upper = "_" + key;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return std::toupper(c); });
      if (name_and_key.size() > upper.size() &&
          name_and_key.compare(name_and_key.size() - upper.size(), upper.size(), upper) == 0 && key.size() > best.size())
        best = key;
    }
    if (best.empty()) continue;
    std::string name = ascii_lower(name_and_key.substr(0, name_and_key.size() - best.size() - 1));
    settings["sources." + name + "." + best] = std::string(variable.substr(equals + 1));
  }
  for (const std::string& key : known_keys()) {
    std::string name = "JORGE_" + key;
    std::transform(name.begin(), name.end(), name.begin(), [](char c) { return c == '.' ? '_' : std::toupper(c); });
    for (char** entry = environment; entry && *entry; ++entry) {
      std::string_view variable(*entry);
      if (variable.size() > name.size() && variable.substr(0, name.size()) == name && variable[name.size()] == '=')
        settings[key] = std::string(variable.substr(name.size() + 1));
    }
  }
  // Anthropic's own variable, as their tools read it; bots.llm_key_file takes precedence.
  for (char** entry = environment; entry && *entry; ++entry) {
    constexpr std::string_view kKey = "ANTHROPIC_API_KEY=";
    if (std::string_view(*entry).substr(0, kKey.size()) == kKey && !settings.count("bots.llm_api_key"))
      settings["bots.llm_api_key"] = std::string(std::string_view(*entry).substr(kKey.size()));
  }
}

// [bots]: the conversation engine and its optional model (bots.md §11).
static Status build_bots(const Settings& settings, Config::Bots& bots) {
  JORGE_TRY(bots.enabled, boolean(settings, "bots.enabled", true));
  bots.llm = text(settings, "bots.llm", "off");
  if (bots.llm != "off" && bots.llm != "claude") return bad("bots.llm", "expected \"off\" (rules only) or \"claude\"");
  if (settings.count("bots.llm_key_file")) {
    JORGE_TRY(bots.llm_api_key, read_secret_file("bots.llm_key_file", settings.at("bots.llm_key_file")));
  } else {
    bots.llm_api_key = text(settings, "bots.llm_api_key", "");
  }
  bots.llm_model = text(settings, "bots.llm_model", bots.llm_model);
  bots.llm_url = text(settings, "bots.llm_url", bots.llm_url);
  if (bots.llm_url.rfind("http://", 0) != 0 && bots.llm_url.rfind("https://", 0) != 0)
    return bad("bots.llm_url", "expected an http:// or https:// URL");
  JORGE_TRY(int64_t timeout, integer(settings, "bots.llm_timeout_ms", bots.llm_timeout_ms, 100, 30'000));
  bots.llm_timeout_ms = static_cast<int>(timeout);
  JORGE_TRY(int64_t calls, integer(settings, "bots.llm_calls_per_day", bots.llm_calls_per_day, 0, 10'000));
  bots.llm_calls_per_day = static_cast<int>(calls);
  for (auto [key, field, low, high] : {std::tuple{"bots.reply_delay", &bots.reply_delay_seconds, 0, 300},
                                       std::tuple{"bots.handoff_task_minutes", &bots.handoff_task_minutes, 1, 7 * 24 * 60},
                                       std::tuple{"bots.human_sleep_hours", &bots.human_sleep_hours, 0, 24 * 365},
                                       std::tuple{"bots.max_messages_per_contact", &bots.max_messages_per_contact, 1, 1000}}) {
    JORGE_TRY(int64_t value, integer(settings, key, *field, low, high));
    *field = static_cast<int>(value);
  }
  JORGE_TRY(int64_t every, integer(settings, "bots.followup_every_days", bots.followup_every_days, 0, 365));
  bots.followup_every_days = static_cast<int>(every);
  if (settings.count("bots.followup_days")) {
    // "2,5,8": days after the lead's last message, rising.
    const std::string& list = settings.at("bots.followup_days");
    std::vector<int> days;
    for (size_t start = 0; start <= list.size();) {
      size_t end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      JORGE_TRY(int64_t day, integer({{"bots.followup_days", list.substr(start, end - start)}}, "bots.followup_days", 0, 1, 365));
      if (!days.empty() && day <= days.back())
        return bad("bots.followup_days", "expected days after the last message in rising order, e.g. [2, 5, 8]");
      days.push_back(static_cast<int>(day));
      start = end + 1;
    }
    bots.followup_days = days;
  }
  if (bots.llm == "claude" && bots.llm_api_key.empty())
    return bad("bots.llm", "is \"claude\" but no key: set ANTHROPIC_API_KEY or bots.llm_key_file, or bots.llm = \"off\"");
  return ok_status();
}

Result<Config> build_config(const Settings& settings, ConfigUse use) {
  Config config;
  std::string listen = text(settings, "listen", "127.0.0.1:8080");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("listen", "expected HOST:PORT, e.g. 127.0.0.1:8080");
  config.listen_host = listen.substr(0, colon);
  if (config.listen_host.size() > 2 && config.listen_host.front() == '[') config.listen_host = config.listen_host.substr(1, config.listen_host.size() - 2);
  JORGE_TRY(int64_t port, integer({{"listen", listen.substr(colon + 1)}}, "listen", 0, 0, 65535));
  config.listen_port = static_cast<uint16_t>(port);

  config.database = text(settings, "database", config.database);
  if (config.database.rfind("sqlite://", 0) != 0 && config.database.rfind("postgresql://", 0) != 0 &&
      config.database.rfind("postgres://", 0) != 0)
    return bad("database", "expected sqlite://PATH or postgresql://USER@HOST:PORT/DB");
  if (config.database == "sqlite://") return bad("database", "sqlite:// needs a path, e.g. sqlite://./jorge.db");

  const bool serving = use == ConfigUse::kServe;
  config.api_token = text(settings, "api_token", "");
  if (serving && config.api_token.empty() && settings.count("api_token_file")) {
    JORGE_TRY(config.api_token, read_secret_file("api_token_file", settings.at("api_token_file")));
  }
  if (serving && config.api_token.size() < 16)
    return bad("api_token", "not set or shorter than 16 characters; set api_token_file (or api_token / JORGE_API_TOKEN)");

  JORGE_TRY(int64_t body, integer(settings, "http.max_body_bytes", 1 << 20, 1024, int64_t{64} << 20));
  config.http.max_body_bytes = static_cast<size_t>(body);
  JORGE_TRY(int64_t idle, integer(settings, "http.idle_timeout", 60, 1, 3600));
  config.http.idle_timeout = std::chrono::seconds(idle);
  JORGE_TRY(int64_t header, integer(settings, "http.header_timeout", 10, 1, 600));
  config.http.header_timeout = std::chrono::seconds(header);
  JORGE_TRY(int64_t threads, integer(settings, "http.threads", 0, 0, 256));
  config.http.threads = static_cast<int>(threads);
  JORGE_TRY(config.http.access_log, boolean(settings, "http.access_log", true));
  JORGE_TRY(int64_t connections, integer(settings, "http.max_connections", 0, 0, 1000000));
  config.http.max_connections = static_cast<size_t>(connections);

  config.ghl.webhook_public_key_file = text(settings, "ghl.webhook_public_key_file", "");
  config.ghl.webhook_ed25519_public_key_file = text(settings, "ghl.webhook_ed25519_public_key_file", "");
  JORGE_TRY(config.ghl.verify_signatures, boolean(settings, "ghl.verify_signatures", true));
  if (serving && config.ghl.verify_signatures && config.ghl.webhook_public_key_file.empty() &&
      config.ghl.webhook_ed25519_public_key_file.empty())
    return bad("ghl.webhook_public_key_file",
               "not set; point it at GoHighLevel's webhook public key (PEM), or set ghl.verify_signatures = false");
  config.ghl.api_base_url = text(settings, "ghl.api_base_url", config.ghl.api_base_url);
  if (config.ghl.api_base_url.rfind("http://", 0) != 0 && config.ghl.api_base_url.rfind("https://", 0) != 0)
    return bad("ghl.api_base_url", "expected an http:// or https:// URL");
  config.ghl.api_token = text(settings, "ghl.api_token", "");
  config.ghl.location_id = text(settings, "ghl.location_id", "");

  JORGE_TRY(int64_t writers, integer(settings, "store.writer_threads", 0, 0, 64));
  config.store.writer_threads = static_cast<int>(writers);
  JORGE_TRY(int64_t batch, integer(settings, "store.max_batch", 512, 1, 100000));
  config.store.max_batch = static_cast<int>(batch);
  JORGE_TRY(int64_t pending, integer(settings, "store.max_pending", 20000, 1, 10000000));
  config.store.max_pending = static_cast<int>(pending);

  auto small_int = [&](const char* key, int& field, int64_t low, int64_t high) -> Status {
    JORGE_TRY(int64_t value, integer(settings, key, field, low, high));
    field = static_cast<int>(value);
    return ok_status();
  };
  JORGE_TRY_STATUS(small_int("queue.hot_delay", config.queue.hot_delay, 0, 86400));
  JORGE_TRY_STATUS(small_int("queue.warm_delay", config.queue.warm_delay, 0, 86400));
  JORGE_TRY_STATUS(small_int("queue.cold_delay", config.queue.cold_delay, 0, 86400));
  JORGE_TRY_STATUS(small_int("queue.max_attempts", config.queue.max_attempts, 1, 1000));
  JORGE_TRY_STATUS(small_int("queue.min_workers", config.queue.min_workers, 1, 1024));
  JORGE_TRY_STATUS(small_int("queue.max_workers", config.queue.max_workers, 1, 1024));
  JORGE_TRY_STATUS(small_int("queue.target_latency_ms", config.queue.target_latency_ms, 1, 3'600'000));
  JORGE_TRY_STATUS(small_int("queue.lease_seconds", config.queue.lease_seconds, 1, 3600));
  JORGE_TRY_STATUS(small_int("queue.retry_base_ms", config.queue.retry_base_ms, 1, 3'600'000));
  JORGE_TRY_STATUS(small_int("queue.retry_max_seconds", config.queue.retry_max_seconds, 1, 86400));
  if (config.queue.max_workers < config.queue.min_workers)
    return bad("queue.max_workers", "must be at least queue.min_workers");

  JORGE_TRY_STATUS(small_int("workers", config.workers, 0, 256));
  JORGE_TRY_STATUS(small_int("ghl.requests_per_10s", config.ghl_requests_per_10s, 1, 10000));
  JORGE_TRY_STATUS(small_int("ghl.timeout_ms", config.ghl_timeout_ms, 100, 120'000));
  if (int64_t{config.queue.lease_seconds} * 1000 <= config.ghl_timeout_ms)
    return bad("queue.lease_seconds", "must be longer than ghl.timeout_ms, or a text still being sent could be "
                                      "claimed and sent again by another sender");
  std::string quiet = text(settings, "compliance.quiet_hours", "us-state-rules");
  if (quiet != "us-state-rules" && quiet != "off")
    return bad("compliance.quiet_hours", "expected \"us-state-rules\" or \"off\"");
  config.quiet_hours = quiet == "us-state-rules";
  if (std::string start = text(settings, "clock.start", ""); !start.empty()) {
    SystemTime at;
    if (!parse_iso8601(start, at))
      return bad("clock.start", "expected an ISO 8601 time such as 2026-12-02T15:30:00Z, or nothing for the real clock");
    config.clock_start = at;
  }
  config.first_touch_team = text(settings, "first_touch.team", config.first_touch_team);
  const std::string confirmation = text(settings, "compliance.stop_confirmation", "jorge");
  if (confirmation != "jorge" && confirmation != "carrier")
    return bad("compliance.stop_confirmation", "expected \"jorge\" (Jorge confirms a STOP) or \"carrier\" (the carrier does)");
  config.stop_confirmation_by_jorge = confirmation == "jorge";
  config.team_phone = text(settings, "compliance.team_phone", "");
  config.owner_user_id = text(settings, "team.owner_user_id", "");
  config.calendar_id = text(settings, "team.calendar_id", "");
  config.notify_url = text(settings, "team.notify_url", "");
  if (!config.notify_url.empty() && config.notify_url.rfind("http://", 0) != 0 && config.notify_url.rfind("https://", 0) != 0)
    return bad("team.notify_url", "expected an http:// or https:// URL (a Slack-compatible incoming webhook)");
  if (config.first_touch_team.empty() || config.first_touch_team.size() > 60)
    return bad("first_touch.team", "expected the team's name, 1 to 60 characters");

  config.scoring_model = text(settings, "scoring.model", "");
  JORGE_TRY(config.allow_partial_model, boolean(settings, "scoring.allow_partial_model", false));
  JORGE_TRY_STATUS(small_int("scoring.retrain_hours", config.retrain_hours, 0, 24 * 365));
  JORGE_TRY_STATUS(small_int("scoring.retrain_min_outcomes", config.retrain_min_outcomes, 4, 10'000'000));
  config.log_level = text(settings, "log.level", "info");
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!levels.count(config.log_level)) return bad("log.level", "expected trace, debug, info, warn, error or off");
  for (auto [key, field] : {std::pair{"identity.merge_threshold", &config.identity_merge_threshold},
                            {"identity.review_threshold", &config.identity_review_threshold}}) {
    if (auto found = settings.find(key); found != settings.end()) {
      char* end = nullptr;
      double value = std::strtod(found->second.c_str(), &end);
      if (end == found->second.c_str() || *end != '\0' || value <= 0 || value > 1)
        return bad(key, "expected a probability above 0 and at most 1, got \"" + found->second + "\"");
      *field = value;
    }
  }
  JORGE_TRY(config.identity_online, boolean(settings, "identity.online_matching", true));
  for (std::string rest = text(settings, "identity.source_trust", ""); !rest.empty();) {
    size_t comma = rest.find(',');
    std::string name = rest.substr(0, comma);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) config.source_trust.push_back(name);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  if (config.identity_review_threshold > config.identity_merge_threshold)
    return bad("identity.review_threshold", "must not be above identity.merge_threshold");
  JORGE_TRY(config.sources, build_sources(settings));
  JORGE_TRY_STATUS(build_bots(settings, config.bots));
  return config;
}

queue::QueueOptions queue_options_of(const Config& config) {
  queue::QueueOptions options;
  options.hot_delay = std::chrono::seconds(config.queue.hot_delay);
  options.warm_delay = std::chrono::seconds(config.queue.warm_delay);
  options.cold_delay = std::chrono::seconds(config.queue.cold_delay);
  options.max_attempts = config.queue.max_attempts;
  options.min_workers = config.queue.min_workers;
  options.max_workers = config.queue.max_workers;
  options.target_latency = std::chrono::milliseconds(config.queue.target_latency_ms);
  options.lease = std::chrono::seconds(config.queue.lease_seconds);
  options.backoff_base = std::chrono::milliseconds(config.queue.retry_base_ms);
  options.backoff_max = std::chrono::seconds(config.queue.retry_max_seconds);
  return options;
}

std::function<double()> jitter_source() {
  struct State {
    std::mutex mutex;
    std::mt19937_64 random{std::random_device{}()};
  };
  return [state = std::make_shared<State>()] {
    std::lock_guard lock(state->mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(state->random);
  };
}

}  // namespace jorge::cli
