// `jorge`: the one binary. Parses the command line, builds the configuration, runs a command.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>

#include <cstdio>

#include "cli/bots_commands.hpp"
#include "cli/commands.hpp"
#include "cli/logging.hpp"

extern char** environ;

namespace {

// File, then environment, then flags; exits 2 naming the key when something is wrong.
std::optional<jorge::cli::Config> load_config(const std::string& path, bool path_given,
                                              const jorge::cli::Settings& flags,
                                              jorge::cli::ConfigUse use = jorge::cli::ConfigUse::kServe) {
  auto settings = jorge::cli::read_config_file(path, path_given);
  if (!settings.ok()) {
    std::fprintf(stderr, "jorge: %s\n", settings.error().message.c_str());
    return std::nullopt;
  }
  jorge::cli::apply_environment(*settings, environ);
  for (const auto& [key, value] : flags) (*settings)[key] = value;
  auto config = jorge::cli::build_config(*settings, use);
  if (!config.ok()) {
    std::fprintf(stderr, "jorge: %s\n", config.error().message.c_str());
    return std::nullopt;
  }
  return std::move(config).value();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Jorge: lead intelligence for real-estate teams"};
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // --help shows each option's default
  app.set_version_flag("--version", std::string("jorge ") + JORGE_VERSION);
  auto* help = app.add_subcommand("help", "show the commands, or one command's options: jorge help COMMAND");
  std::string help_topic;
  help->add_option("command", help_topic, "a command, e.g. serve");
  std::string config_path = "./jorge.toml";
  app.add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  auto* serve = app.add_subcommand("serve", "serve webhooks, the REST API and metrics");
  std::string listen, database;
  serve->add_option("--listen", listen, "HOST:PORT to listen on (key: listen)");
  serve->add_option("--database", database, "sqlite://PATH or postgresql://... (key: database)");
  serve->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  auto* keygen = app.add_subcommand("keygen", "generate webhook signing key pairs for local testing and demos");
  std::string key_directory = ".jorge";
  keygen->add_option("--out", key_directory, "directory for the key files");
  bool keygen_force = false;
  keygen->add_flag("--force", keygen_force, "replace keys that already exist there");

  auto* sign = app.add_subcommand("sign", "print the base64 signature of a file, as a webhook sender would send it");
  std::string private_key, body_file;
  sign->add_option("--key", private_key, "private key (PEM)")->required();
  sign->add_option("file", body_file, "the exact body bytes to sign")->required();

  auto* demo = app.add_subcommand("demo", "post signed demo leads to a running server through its webhook");
  jorge::cli::DemoOptions demo_options;
  demo->add_option("--url", demo_options.url, "server base URL");
  demo->add_option("--key", demo_options.private_key_file, "private key matching ghl.webhook_public_key_file")->required();
  demo->add_option("--count", demo_options.lead_count, "number of demo leads")->check(CLI::Range(1, 1000));

  auto* stats = app.add_subcommand("stats", "print row counts of a database as JSON");
  std::string stats_database;
  stats->add_option("--database", stats_database, "sqlite://PATH or postgresql://... (default: from the configuration)");
  stats->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  auto* train = app.add_subcommand("train", "train a lead-scoring model on any CSV with a binary target");
  jorge::cli::TrainCommand train_command;
  train->add_option("--data", train_command.data, "the table (CSV: comma, semicolon or tab; header row)");
  train->add_option("--target", train_command.target, "the column to predict: 0/1, yes/no or true/false");
  train->add_flag("--from-store", train_command.from_store,
                  "train on the store's won and lost leads (GoHighLevel opportunity outcomes) instead of --data");
  std::string train_database;
  train->add_option("--database", train_database, "with --from-store: sqlite://PATH or postgresql://... "
                                                  "(default: from the configuration)");
  train->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");
  train->add_option("--id", train_command.id_column, "a column that identifies rows (kept out of the model)");
  train->add_option("--drop", train_command.drop, "columns to leave out, comma-separated")->delimiter(',');
  train->add_option("--na-values", train_command.na_values, "more words meaning \"no value\", comma-separated")
      ->delimiter(',');
  train->add_option("--folds", train_command.folds, "cross-validation folds")->check(CLI::Range(2, 20));
  train->add_option("--threads", train_command.threads, "XGBoost threads")->check(CLI::Range(1, 64));
  train->add_flag("--quick", train_command.quick, "one boosting setting instead of searching twelve");
  train->add_option("--model", train_command.model_out, "where to write the model")->required();
  train->add_option("--report", train_command.report_out, "where to write the JSON report");

  auto* extract = app.add_subcommand("extract", "run each message of a JSONL file through the bots' extraction (no database)");
  jorge::cli::ExtractCommand extract_command;
  extract->add_option("--data", extract_command.data, "JSON lines {id, received_at, role_hint, text[, expected]}")->required();
  extract->add_option("--out", extract_command.out, "JSON lines {id, intent, opt_out, handoff, slots}")->required();
  extract->add_option("--llm", extract_command.llm, "off (rules only) or on (bots.llm_* keys, ANTHROPIC_API_KEY)")
      ->check(CLI::IsMember({"off", "on"}));
  extract->add_option("--config", config_path, "TOML configuration file for the model's keys (default ./jorge.toml)");
  auto* replay = app.add_subcommand("replay", "replay recorded conversations through the bots (no database)");
  jorge::cli::ReplayCommand replay_command;
  replay->add_option("--data", replay_command.data, "JSON lines {id, bot, role_hint, turns[, expected]}")->required();
  replay->add_option("--out", replay_command.out, "JSON lines {id, slots, temperature, handoff, final_state, opted_out, outbound}")
      ->required();
  replay->add_option("--config", config_path, "TOML configuration file: [bots] (default ./jorge.toml)");
  auto* chat = app.add_subcommand("chat", "talk to the bot in the terminal; shows slots, temperature, state after every turn");
  jorge::cli::ChatCommand chat_command;
  chat->add_option("--bot", chat_command.bot, "lead, seller or unknown (the lead's role)")
      ->check(CLI::IsMember({"lead", "seller", "unknown"}));
  chat->add_option("--at", chat_command.at, "the conversation's start time, ISO 8601 (default now)");
  chat->add_option("--lang", chat_command.lang, "en or es")->check(CLI::IsMember({"en", "es"}));
  chat->add_option("--config", config_path, "TOML configuration file: [bots] (default ./jorge.toml)");

  auto* score = app.add_subcommand("score", "score every row of a CSV with a model from jorge train");
  jorge::cli::ScoreCommand score_command;
  score->add_option("--model", score_command.model, "model file from jorge train")->required();
  score->add_option("--data", score_command.data, "the rows to score (CSV)")->required();
  score->add_option("--out", score_command.out, "predictions CSV to write")->required();

  auto* models = app.add_subcommand("models", "the model registry: list, add FILE, activate VERSION, rollback, retrain");
  jorge::cli::ModelsCommand models_command;
  std::string models_database;
  models->add_option("action", models_command.action, "list, add, activate, rollback or retrain")
      ->required()
      ->check(CLI::IsMember({"list", "add", "activate", "rollback", "retrain"}));
  models->add_option("argument", models_command.argument, "FILE for add, VERSION for activate");
  models->add_flag("--activate", models_command.activate, "with add: make the model active at once");
  models->add_flag("--allow-partial", models_command.allow_partial,
                   "activate even when leads supply under half of the model's columns");
  models->add_option("--min-outcomes", models_command.min_outcomes, "with retrain: won/lost leads needed")
      ->check(CLI::Range(4, 10'000'000));
  models->add_option("--database", models_database, "sqlite://PATH or postgresql://... (default: from the configuration)");
  models->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  auto* import = app.add_subcommand("import", "import leads from a CSV file (idempotent: the same file twice adds nothing)");
  jorge::cli::ImportCommand import_command;
  import->add_option("--source", import_command.source, "the leads' source name, e.g. open_house or zillow")->required();
  import->add_option("--data", import_command.data, "the CSV file (comma, semicolon, tab or pipe; header row)")->required();
  import->add_option("--map", import_command.map, "column=field overrides, comma-separated (field \"ignore\" drops a column)")
      ->delimiter(',');
  import->add_flag("--dry-run", import_command.dry_run, "show the mapping and the rejects, write nothing");
  import->add_option("--rejects", import_command.rejects, "where rejected rows go (default FILE.rejects.csv)");
  std::string import_database;
  import->add_option("--database", import_database, "sqlite://PATH or postgresql://... (default: from the configuration)");
  import->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  auto* backfill = app.add_subcommand(
      "backfill", "read a Facebook form's leads from the Graph API and store those not stored yet (after an outage)");
  jorge::cli::BackfillCommand backfill_command;
  std::string backfill_database;
  backfill->add_option("--form", backfill_command.form, "the lead form's id (Meta Business Suite: Instant Forms)")
      ->required();
  backfill->add_option("--source", backfill_command.source, "a [sources.NAME] of kind facebook (default facebook)");
  backfill->add_option("--since", backfill_command.since, "only leads created after this ISO-8601 time");
  backfill->add_option("--database", backfill_database, "sqlite://PATH or postgresql://... (default: from the configuration)");
  backfill->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  auto* dedup = app.add_subcommand("dedup", "find the same person across rows of CSV files (no database needed)");
  jorge::cli::DedupCommand dedup_command;
  dedup->add_option("--data", dedup_command.data, "a CSV file; give two to link across them");
  dedup->add_flag("--apply", dedup_command.apply, "merge the duplicates in the database (each merge can be undone)");
  dedup->add_flag("--undo", dedup_command.undo, "undo every merge that --apply made, newest first");
  std::string dedup_database;
  dedup->add_option("--database", dedup_database, "with --apply/--undo: sqlite://PATH or postgresql://... (default: the configuration's)");
  dedup->add_option("--id-column", dedup_command.id_column, "the column that names each row");
  dedup->add_option("--map", dedup_command.map, "column=field, comma-separated (fields: first_name, last_name, "
                                                "full_name, email, phone, street_number, address_line1, address_line2, "
                                                "city, state, postal_code, birth_date, external_id)")
      ->delimiter(',');
  dedup->add_option("--out", dedup_command.out, "where to write id_a,id_b,probability");
  dedup->add_option("--threshold", dedup_command.threshold, "report pairs at or above this probability")
      ->check(CLI::Range(0.0, 1.0));
  dedup->add_option("--config", config_path, "TOML configuration file (default ./jorge.toml)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version end here with 0; a usage error prints what is wrong and exits 2,
    // as every command's other errors in input do (CLI11's own codes are 100 and up).
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  if (*help) {
    if (help_topic.empty()) {
      // app.help() would describe the `help` command itself, the one parsed: ask for the top level.
      std::printf("%s", app.get_formatter()->make_help(&app, "jorge", CLI::AppFormatMode::Normal).c_str());
      return 0;
    }
    for (const CLI::App* command : app.get_subcommands({}))
      if (command->get_name() == help_topic) {
        std::printf("%s", command->help().c_str());
        return 0;
      }
    std::fprintf(stderr, "jorge help: no command %s (jorge help lists them)\n", help_topic.c_str());
    return 2;
  }
  jorge::cli::set_up_logging();
  std::signal(SIGPIPE, SIG_IGN);  // a peer that hangs up is an error code, not a dead process

  if (*serve) {
    jorge::cli::Settings flags;
    if (!listen.empty()) flags["listen"] = listen;
    if (!database.empty()) flags["database"] = database;
    bool path_given = app.get_option("--config")->count() > 0 || serve->get_option("--config")->count() > 0;
    auto config = load_config(config_path, path_given, flags);
    if (!config) return 2;
    spdlog::set_level(spdlog::level::from_str(config->log_level));
    return jorge::cli::serve(*config);
  }
  // The configuration file a subcommand reads its database from when --database is not given.
  auto subcommand_config = [&](CLI::App* subcommand) {
    bool path_given = subcommand->get_option("--config")->count() > 0 || app.get_option("--config")->count() > 0;
    return load_config(config_path, path_given, {}, jorge::cli::ConfigUse::kDatabaseTool);
  };
  if (*keygen) return jorge::cli::keygen(key_directory, keygen_force);
  if (*sign) return jorge::cli::sign(private_key, body_file);
  if (*demo) {
    // Without --url: the `listen` address of the configuration (./jorge.toml), as `serve` uses it.
    if (demo->get_option("--url")->count() == 0) {
      auto settings = jorge::cli::read_config_file(config_path, app.get_option("--config")->count() > 0);
      if (settings.ok()) {
        jorge::cli::apply_environment(*settings, environ);
        if (auto listen_at = settings->find("listen"); listen_at != settings->end())
          demo_options.url = "http://" + listen_at->second;
      }
    }
    return jorge::cli::load_demo(demo_options);
  }
  if (*stats) {
    if (stats_database.empty()) {
      auto config = subcommand_config(stats);
      if (!config) return 2;
      stats_database = config->database;
    }
    return jorge::cli::print_stats(stats_database);
  }
  if (*train) {
    if (train_command.from_store) {
      train_command.database = train_database;
      if (train_command.database.empty()) {
        auto config = subcommand_config(train);
        if (!config) return 2;
        train_command.database = config->database;
      }
    } else if (train_command.data.empty() || train_command.target.empty()) {
      std::fprintf(stderr, "jorge train: give --data FILE.csv and --target COLUMN, or --from-store\n");
      return 2;
    }
    return jorge::cli::train(train_command);
  }
  if (*models) {
    if ((models_command.action == "add" || models_command.action == "activate") && models_command.argument.empty()) {
      std::fprintf(stderr, "jorge models %s: say which %s\n", models_command.action.c_str(),
                   models_command.action == "add" ? "FILE" : "VERSION");
      return 2;
    }
    models_command.database = models_database;
    if (models_command.database.empty()) {
      auto config = subcommand_config(models);
      if (!config) return 2;
      models_command.database = config->database;
    }
    return jorge::cli::models_command(models_command);
  }
  if (*score) return jorge::cli::score(score_command);
  if (*extract) {
    if (extract_command.llm == "on") {  // rules alone need no configuration
      auto config = subcommand_config(extract);
      if (!config) return 2;
      extract_command.bots = config->bots;
    }
    return jorge::cli::extract_messages(extract_command);
  }
  if (*replay) {
    auto config = subcommand_config(replay);
    if (!config) return 2;
    replay_command.bots = config->bots;
    return jorge::cli::replay_conversations(replay_command);
  }
  if (*chat) {
    auto config = subcommand_config(chat);
    if (!config) return 2;
    chat_command.bots = config->bots;
    return jorge::cli::chat(chat_command);
  }
  if (*dedup) {
    if (dedup_command.apply || dedup_command.undo) {
      dedup_command.database = dedup_database;
      if (dedup_command.database.empty()) {
        auto config = subcommand_config(dedup);
        if (!config) return 2;
        dedup_command.database = config->database;
        dedup_command.merge_threshold = config->identity_merge_threshold;
        dedup_command.review_threshold = config->identity_review_threshold;
      }
    } else if (dedup_command.data.empty() || dedup_command.out.empty()) {
      std::fprintf(stderr, "jorge dedup: give --data FILE.csv and --out PAIRS.csv, or --apply / --undo on a database\n");
      return 2;
    }
    return jorge::cli::dedup(dedup_command);
  }
  if (*backfill) {
    auto config = subcommand_config(backfill);
    if (!config) return 2;
    if (!backfill_database.empty()) config->database = backfill_database;
    return jorge::cli::backfill(backfill_command, *config);
  }
  if (*import) {
    for (char c : import_command.source)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
        std::fprintf(stderr, "jorge import: --source may hold letters, digits, '_' and '-' only\n");
        return 2;
      }
    // The configuration's identity and consent rules apply to imported rows as to served ones.
    auto config = subcommand_config(import);
    if (!config) return 2;
    import_command.database = import_database.empty() ? config->database : import_database;
    return jorge::cli::import_leads(import_command, *config);
  }
  return 2;
}
