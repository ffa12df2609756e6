// `jorge import`: a CSV of leads into the database, through the same ingest transaction as
// webhooks (idempotency key, contact, job). Shows the column mapping it will use, a progress
// bar, and writes every row it cannot take to a rejects file with the reason.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "cli/commands.hpp"
#include "cli/ingest_rules.hpp"
#include "cli/progress.hpp"
#include "core/csv.hpp"
#include "ingest/csv_import/csv_import.hpp"
#include "store/store.hpp"

namespace jorge::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string row_text(const std::vector<std::string>& row) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) line += (i ? "," : "") + csv_field(row[i]);
  return line;
}

}  // namespace

int import_leads(const ImportCommand& command, const Config& config) {
  auto start = std::chrono::steady_clock::now();
  auto table = read_csv_file(command.data);
  if (!table.ok()) {
    std::fprintf(stderr, "jorge import: %s\n", table.error().message.c_str());
    return 2;
  }
  if (!table->converted_from.empty())
    std::fprintf(stderr, "%s is not UTF-8: read as %s (as Excel on Windows saves CSV) and converted\n",
                 command.data.c_str(), table->converted_from.c_str());
  std::vector<std::string> mapping = ingest::propose_mapping(table->header);
  if (Status mapped = ingest::apply_mapping_overrides(table->header, command.map, mapping); !mapped.ok()) {
    std::fprintf(stderr, "jorge import: %s\n", mapped.error().message.c_str());
    return 2;
  }
  std::fprintf(stderr, "%s: %zu rows, delimiter '%s'. Columns (change with --map column=field):\n",
               command.data.c_str(), table->rows.size(), table->dialect.delimiter == '\t' ? "\\t"
                                                                                          : std::string(1, table->dialect.delimiter).c_str());
  for (size_t i = 0; i < table->header.size(); ++i)
    std::fprintf(stderr, "  %-28.28s -> %s\n", table->header[i].c_str(),
                 mapping[i] == "custom" ? ("custom field \"" + table->header[i] + "\"").c_str() : mapping[i].c_str());
  bool contact_column = false;
  for (const auto& field : mapping) contact_column = contact_column || field == "phone" || field == "email";
  if (!contact_column) {
    std::fprintf(stderr, "jorge import: no column maps to phone or email; say which with --map column=phone\n");
    return 2;
  }

  // Parse every row first: a dry run stops after this.
  SystemTime now = std::chrono::system_clock::now();
  std::vector<std::pair<InboundEvent, std::string>> events;
  std::vector<std::pair<size_t, std::string>> rejects;  // row index, reason
  size_t blank_rows = 0;
  events.reserve(table->rows.size());
  for (size_t i = 0; i < table->rows.size(); ++i) {
    // ",,,," lines (a spreadsheet's empty rows) are no one: skipped, not rejected.
    if (std::all_of(table->rows[i].begin(), table->rows[i].end(),
                    [](const std::string& field) { return field.find_first_not_of(" \t") == std::string::npos; })) {
      ++blank_rows;
      continue;
    }
    auto event = ingest::import_row(command.source, table->header, mapping, table->rows[i], now);
    if (event.ok()) events.emplace_back(std::move(event).value(), row_text(table->rows[i]));
    else rejects.emplace_back(i, event.error().message);
  }
  double parse_seconds = seconds_since(start);
  std::fprintf(stderr, "parsed %zu rows in %.2f s (%.0f rows/s): %zu valid, %zu rejected, %zu blank skipped\n",
               table->rows.size(), parse_seconds, table->rows.size() / std::max(parse_seconds, 1e-9), events.size(),
               rejects.size(), blank_rows);
  if (command.dry_run) {  // writes nothing, the rejects file included: the first reasons are shown here
    for (size_t r = 0; r < rejects.size() && r < 10; ++r)
      std::fprintf(stderr, "  line %zu: %s\n", table->line_of_row[rejects[r].first], rejects[r].second.c_str());
    if (rejects.size() > 10) std::fprintf(stderr, "  ... and %zu more\n", rejects.size() - 10);
    std::fprintf(stderr, "dry run: nothing written\n");
    return 0;
  }
  if (!rejects.empty()) {
    std::string path = command.rejects.empty() ? command.data + ".rejects.csv" : command.rejects;
    std::ofstream out(path, std::ios::binary);
    out << "line,reason";
    for (const auto& column : table->header) out << ',' << csv_field(column);
    out << '\n';
    for (const auto& [index, reason] : rejects)
      out << table->line_of_row[index] << ',' << csv_field(reason) << ',' << row_text(table->rows[index]) << '\n';
    if (!out) {
      std::fprintf(stderr, "jorge import: cannot write the rejects to %s\n", path.c_str());
      return 1;
    }
    std::fprintf(stderr, "rejected rows, each with its reason: %s\n", path.c_str());
  }

  SystemClock clock;
  store::StoreOptions store_options = ingest_store_options(config);
  store_options.max_batch = 4096;  // an import is one writer with thousands of rows waiting
  auto store = store::open_store(command.database, clock, store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "jorge import: database: %s\n", store.error().message.c_str());
    return 1;
  }
  // Rows go to the store's batching writer with a bounded number in flight.
  constexpr size_t kInFlight = 4096;
  std::mutex mutex;
  std::condition_variable changed;
  size_t in_flight = 0, committed = 0, duplicates = 0, failed = 0;
  std::string failure;
  ProgressBar bar("importing");
  auto commit_start = std::chrono::steady_clock::now();
  const int total = static_cast<int>(events.size());
  int shown_decile = -1;
  for (auto& [event, raw] : events) {
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return in_flight < kInFlight; });
      ++in_flight;
    }
    (*store)->ingest_async(std::move(event), std::move(raw), queue::JobPlan{2, {}},
                           [&](Result<store::IngestOutcome> stored) {
                             std::lock_guard lock(mutex);
                             --in_flight;
                             if (!stored.ok()) {
                               ++failed;
                               failure = stored.error().message;
                             } else {
                               ++committed;
                               if (stored->duplicate) ++duplicates;
                             }
                             changed.notify_all();
                           });
    std::lock_guard lock(mutex);
    int decile = total ? static_cast<int>(committed * 10 / total) : 10;
    if (decile != shown_decile) {
      shown_decile = decile;
      bar.update(static_cast<int>(committed), total, std::to_string(committed) + " of " + std::to_string(total) + " rows");
    }
  }
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return in_flight == 0; });
  }
  (*store)->close();
  double commit_seconds = seconds_since(commit_start);
  bar.update(total, total, std::to_string(committed) + " of " + std::to_string(total) + " rows");
  std::printf("imported %zu new leads from %s into source \"%s\" (%zu already there, %zu rejected, %zu failed) in "
              "%.2f s: %.0f rows/s committed\n",
              committed - duplicates, command.data.c_str(), command.source.c_str(), duplicates, rejects.size(), failed,
              commit_seconds, committed / std::max(commit_seconds, 1e-9));
  if (failed) {
    std::fprintf(stderr, "jorge import: %zu rows were not stored (%s); run the same import again: rows already "
                         "stored are skipped\n", failed, failure.c_str());
    return 1;
  }
  return 0;
}

}  // namespace jorge::cli
