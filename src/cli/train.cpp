// `jorge train` and `jorge score`: models from any CSV, and predictions with reasons.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "core/csv.hpp"
#include "core/files.hpp"
#include "pipeline/outcome_training.hpp"
#include "scoring/training/train_table.hpp"

namespace jorge::cli {
namespace {

// The inferred column table; `rows` > 0 shows missing values as shares, else as counts.
void print_columns(const std::vector<scoring::ColumnProfile>& columns, size_t rows) {
  std::printf("columns:\n");
  for (const auto& column : columns) {
    std::printf("  %-45.45s %-12s", column.name.c_str(), std::string(scoring::column_kind_name(column.kind)).c_str());
    if (column.missing && rows) std::printf(" %5.1f%% missing", 100.0 * static_cast<double>(column.missing) / rows);
    if (column.missing && !rows) std::printf(" %zu missing", column.missing);
    if (!column.note.empty()) std::printf("  (%s)", column.note.c_str());
    std::printf("\n");
  }
}

}  // namespace

int train(const TrainCommand& command) {
  ProgressBar bar("training");
  bool columns_shown = false;
  Result<scoring::TrainTableResult> trained = Error{ErrorCode::kInternal, "not trained"};
  if (command.from_store) {
    // The team's own outcomes: won/lost opportunities become the labels.
    SystemClock clock;
    auto store = store::open_store(command.database, clock);
    if (!store.ok()) {
      std::fprintf(stderr, "jorge train: database: %s\n", store.error().message.c_str());
      return 2;
    }
    auto rows = pipeline::export_outcomes(**store, /*hold_out=*/false);
    if (!rows.ok()) {
      std::fprintf(stderr, "jorge train: %s\n", rows.error().message.c_str());
      return 1;
    }
    std::fprintf(stderr, "training: %zu won or lost leads in the store (%zu won)\n", rows->training_rows,
                 rows->training_positives);
    trained = pipeline::train_on_outcomes(*rows, command.quick);
  } else {
    scoring::TrainTableOptions options;
    options.data_path = command.data;
    options.target = command.target;
    options.id_column = command.id_column;
    options.drop = command.drop;
    options.na_values = command.na_values;
    options.folds = command.folds;
    options.boosting.threads = command.threads;
    options.tune = !command.quick;
    options.on_columns = [&](const std::vector<scoring::ColumnProfile>& columns) {
      print_columns(columns, 0);
      std::fflush(stdout);
      columns_shown = true;
    };
    trained = scoring::train_table(options, [&](int done, int total, const std::string& what) { bar.update(done, total, what); });
  }
  if (!trained.ok()) {
    std::fprintf(stderr, "jorge train: %s\n", trained.error().message.c_str());
    return trained.error().code == ErrorCode::kInvalidArgument || trained.error().code == ErrorCode::kNotFound ? 2 : 1;
  }
  auto model_json = trained->model.to_json();
  if (!model_json.ok() || !write_file(command.model_out, *model_json).ok()) {
    std::fprintf(stderr, "jorge train: cannot write the model to %s\n", command.model_out.c_str());
    return 1;
  }
  if (!command.report_out.empty() && !write_file(command.report_out, trained->report_json).ok()) {
    std::fprintf(stderr, "jorge train: cannot write the report to %s\n", command.report_out.c_str());
    return 1;
  }
  // The human summary (the column table came first, before training, unless from the store).
  if (!columns_shown) print_columns(trained->columns, trained->rows);
  std::printf("rows %zu, positives %zu (%.1f%%)%s\n", trained->rows, trained->positives,
              100.0 * static_cast<double>(trained->positives) / std::max<size_t>(1, trained->rows),
              trained->skipped_rows ? (", " + std::to_string(trained->skipped_rows) + " rows without a target skipped").c_str() : "");
  std::printf("cross-validated AUC %.4f ± %.4f\n", trained->auc, trained->auc_std);
  for (const auto& warning : trained->leakage_warnings) std::printf("LEAKAGE WARNING: %s\n", warning.c_str());
  for (const auto& warning : trained->dominance_warnings) std::printf("DOMINANT COLUMN: %s\n", warning.c_str());
  std::printf("model %s -> %s%s%s\n", trained->model.version().c_str(), command.model_out.c_str(),
              command.report_out.empty() ? "" : ", report -> ", command.report_out.c_str());
  return 0;
}

int score(const ScoreCommand& command) {
  auto model = scoring::TabularModel::from_file(command.model);
  if (!model.ok()) {
    std::fprintf(stderr, "jorge score: %s\n", model.error().message.c_str());
    return 2;
  }
  auto table = read_csv_file(command.data);
  if (!table.ok()) {
    std::fprintf(stderr, "jorge score: %s\n", table.error().message.c_str());
    return 2;
  }
  std::vector<size_t> rows(table->rows.size());
  for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  std::vector<std::string> absent;
  scoring::FeatureMatrix matrix = model->encoder().transform(*table, rows, &absent);
  for (const auto& name : absent)
    std::fprintf(stderr, "jorge score: warning: column \"%s\" is not in %s; scored as missing\n", name.c_str(),
                 command.data.c_str());
  // #14: a file with none of the model's columns would score every row the same: refuse it.
  std::set<std::string> distinct_absent(absent.begin(), absent.end());
  std::set<std::string> distinct_sources(model->encoder().source_columns().begin(),
                                         model->encoder().source_columns().end());
  if (!distinct_sources.empty() && distinct_absent.size() >= distinct_sources.size()) {
    std::fprintf(stderr, "jorge score: %s has none of the model's %zu columns; is it the table the model was "
                         "trained on?\n", command.data.c_str(), distinct_sources.size());
    return 2;
  }
  // Where each of the model's source columns sits in this file, for the reasons' values.
  const auto& sources = model->encoder().source_columns();
  std::vector<long> where(sources.size(), -1);
  for (size_t s = 0; s < sources.size(); ++s)
    for (size_t c = 0; c < table->header.size(); ++c)
      if (table->header[c] == sources[s]) where[s] = static_cast<long>(c);
  long id_column = -1;
  for (size_t c = 0; c < table->header.size(); ++c)
    if (!model->id_column().empty() && table->header[c] == model->id_column()) id_column = static_cast<long>(c);
  std::ofstream out(command.out, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "jorge score: cannot write %s\n", command.out.c_str());
    return 1;
  }
  out << (id_column >= 0 ? csv_field(model->id_column()) : std::string("row"))
      << ",probability,probability_low,probability_high,score,tier,reason_1,reason_2,reason_3\n";
  ProgressBar bar("scoring");
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = table->rows[r];
    auto result = model->score(matrix.row(r), [&](size_t s) { return where[s] >= 0 ? row[static_cast<size_t>(where[s])] : std::string(); });
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, ",%.4f,%.4f,%.4f,%.1f,%s", result.probability, result.low, result.high,
                  result.score, std::string(quality_name(result.tier)).c_str());
    out << (id_column >= 0 ? csv_field(row[static_cast<size_t>(id_column)]) : std::to_string(r + 1)) << numbers;
    for (size_t i = 0; i < 3; ++i) out << ',' << (i < result.reasons.size() ? csv_field(result.reasons[i].text) : "");
    out << '\n';
    if (r % 1000 == 999 || r + 1 == rows.size())
      bar.update(static_cast<int>(r + 1), static_cast<int>(rows.size()), std::to_string(r + 1) + " rows");
  }
  std::printf("scored %zu rows with model %s -> %s\n", rows.size(), model->version().c_str(), command.out.c_str());
  return 0;
}

}  // namespace jorge::cli
