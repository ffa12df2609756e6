#pragma once
// The subcommands of `jorge`; main.cpp parses flags and calls one of these.
#include <string>
#include <vector>

#include "cli/config.hpp"

namespace jorge::cli {

// Exit codes: 0 done, 1 runtime failure, 2 bad configuration or usage.
int serve(const Config& config);
// Refuses (exit 2) to replace existing keys unless `force`.
int keygen(const std::string& directory, bool force);
// For commands that only read: kNotFound when `database` is a SQLite path with no file there
// (opening it would create an empty database and report on that).
Status require_existing_database(const std::string& database);
int sign(const std::string& private_key_file, const std::string& body_file);
struct DemoOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string private_key_file;
  int lead_count = 36;
};
int load_demo(const DemoOptions& options);
// Prints row counts of a database as one JSON line (benchmarks, operators).
int print_stats(const std::string& database);

struct TrainCommand {
  std::string data, target, id_column, model_out, report_out;
  std::vector<std::string> drop, na_values;
  int folds = 5;
  int threads = 2;
  bool quick = false;  // --quick: no search over boosting settings
  bool from_store = false;  // --from-store: won/lost leads of `database` instead of --data
  std::string database;
};
int train(const TrainCommand& command);
struct ScoreCommand {
  std::string model, data, out;
};
int score(const ScoreCommand& command);
struct ModelsCommand {
  std::string database;  // from --database or the configuration
  std::string action;    // list, add, activate, rollback
  std::string argument;  // FILE for add, VERSION for activate
  bool activate = false;  // add --activate
  bool allow_partial = false;  // --allow-partial: activate a model leads supply under half the columns of
  int min_outcomes = 50;  // retrain --min-outcomes
};
int models_command(const ModelsCommand& command);
struct ImportCommand {
  std::string source;                // --source NAME: the leads' source ("open_house", "zillow")
  std::string data;                  // --data FILE.csv
  std::vector<std::string> map;      // --map column=field,...
  bool dry_run = false;              // --dry-run: parse and show, write nothing
  std::string rejects;               // --rejects FILE (default FILE.csv.rejects.csv)
  std::string database;              // --database or the configuration's
};
// `config` gives the identity and consent rules the rows are stored under, as `serve` would.
int import_leads(const ImportCommand& command, const Config& config);
// `jorge backfill --source NAME --form FORM_ID [--since TIME]`: a Facebook form's leads read
// from the Graph API and stored when not stored yet (after an outage longer than Meta's 36 h).
struct BackfillCommand {
  std::string source = "facebook";  // --source: a [sources.NAME] of kind facebook
  std::string form;                 // --form FORM_ID
  std::string since;                // --since ISO-8601 (created after); empty: every lead
};
int backfill(const BackfillCommand& command, const Config& config);
struct DedupCommand {
  std::vector<std::string> data;  // one file: pairs within it; two: pairs across them
  std::string id_column;          // --id-column (row numbers when absent)
  std::vector<std::string> map;   // --map column=field,...
  std::string out;                // --out PAIRS.csv: id_a,id_b,probability
  double threshold = 0.5;         // --threshold P
  bool apply = false;             // --apply: merge the database's duplicates (undoable)
  bool undo = false;              // --undo: undo every merge --apply made, newest first
  std::string database;
  double merge_threshold = 0.95, review_threshold = 0.5;
};
int dedup(const DedupCommand& command);

}  // namespace jorge::cli
