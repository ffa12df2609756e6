// `jorge dedup --data A.csv [--data B.csv] --id-column COL --map column=field,... --out PAIRS.csv`:
// record linkage on CSV files without a database, to measure matching on labelled data.
#include <chrono>
#include "core/text.hpp"
#include <cstdio>
#include <fstream>

#include "cli/commands.hpp"
#include "ingest/csv_import/csv_import.hpp"
#include "cli/progress.hpp"
#include "core/csv.hpp"
#include "pipeline/identity_upkeep.hpp"
#include "identity/matcher.hpp"
#include "store/store.hpp"

namespace jorge::cli {
namespace {

std::string trimmed(const std::string& text) {
  size_t start = text.find_first_not_of(" \t"), end = text.find_last_not_of(" \t");
  return start == std::string::npos ? std::string() : text.substr(start, end - start + 1);
}

// Header words to field types when no --map is given: the words `jorge import` knows first
// (#14: "E-mail Address", "Mobile", "Zip" mean the same to both commands), then the
// record-linkage ones import has no field for (street number, birth date, FEBRL's names).
std::optional<identity::FieldType> proposed_field(std::string header) {
  const std::string imported = ingest::propose_mapping({trimmed(header)}).front();
  if (imported == "address") return identity::FieldType::kAddressLine1;
  if (imported == "external_id") return std::nullopt;  // an id names a row (--id-column), it is no evidence
  if (auto field = identity::parse_field_type(imported)) return field;
  header = ascii_lower(header);
  static const std::vector<std::pair<const char*, const char*>> kWords = {
      {"first_name", "first_name"}, {"given_name", "first_name"}, {"first name", "first_name"}, {"firstname", "first_name"},
      {"last_name", "last_name"}, {"surname", "last_name"}, {"last name", "last_name"}, {"lastname", "last_name"},
      {"name", "full_name"}, {"full_name", "full_name"}, {"email", "email"}, {"phone", "phone"},
      {"street_number", "street_number"}, {"address_1", "address_line1"}, {"address", "address_line1"},
      {"address_2", "address_line2"}, {"suburb", "city"}, {"city", "city"}, {"state", "state"},
      {"postcode", "postal_code"}, {"zip", "postal_code"}, {"postal_code", "postal_code"},
      {"date_of_birth", "birth_date"}, {"birth_date", "birth_date"}, {"dob", "birth_date"},
      {"soc_sec_id", "external_id"}, {"ssn", "external_id"}};
  for (const auto& [word, field] : kWords)
    if (trimmed(header) == word) return identity::parse_field_type(field);
  return std::nullopt;
}

}  // namespace

namespace {

// --apply and --undo: the database's contacts, merged (or unmerged) in place.
int dedup_database(const DedupCommand& command) {
  SystemClock clock;
  auto store = store::open_store(command.database, clock);
  if (!store.ok()) {
    std::fprintf(stderr, "jorge dedup: database: %s\n", store.error().message.c_str());
    return 1;
  }
  if (command.undo) {
    auto merges = (*store)->active_merges("dedup");
    if (!merges.ok()) {
      std::fprintf(stderr, "jorge dedup --undo: %s\n", merges.error().message.c_str());
      return 1;
    }
    ProgressBar bar("undoing");
    size_t done = 0;
    for (const auto& merge : *merges) {
      auto undone = (*store)->unmerge_contact(merge.merged, clock.now());
      if (!undone.ok()) {
        std::fprintf(stderr, "jorge dedup --undo: merge %lld: %s\n", static_cast<long long>(merge.id),
                     undone.error().message.c_str());
        return 1;
      }
      ++done;  // apart from its reads below: arguments are evaluated in no set order
      bar.update(static_cast<int>(done), static_cast<int>(merges->size()), std::to_string(done) + " merges undone");
    }
    std::printf("undid %zu merges made by jorge dedup --apply\n", merges->size());
    return 0;
  }
  ProgressBar bar("deduplicating");
  auto summary = pipeline::apply_dedup(**store, clock, {command.merge_threshold, command.review_threshold},
                                  [&](size_t done, size_t total) {
                                    bar.update(static_cast<int>(done), static_cast<int>(std::max<size_t>(total, 1)),
                                               std::to_string(done) + " of " + std::to_string(total) + " pairs");
                                  });
  (*store)->close();
  if (!summary.ok()) {
    std::fprintf(stderr, "jorge dedup --apply: %s (merges made so far stand; each can be undone)\n",
                 summary.error().message.c_str());
    return 1;
  }
  std::printf("%zu contacts, %zu candidate pairs: merged %zu (probability >= %.3f), %zu pairs queued for review "
              "(GET /api/v1/identity/review). Undo: jorge dedup --undo, or POST /api/v1/contacts/{id}/unmerge\n",
              summary->contacts, summary->candidate_pairs, summary->merged, summary->merge_threshold,
              summary->queued_for_review);
  return 0;
}

}  // namespace

int dedup(const DedupCommand& command) {
  if (command.apply || command.undo) return dedup_database(command);
  auto start = std::chrono::steady_clock::now();
  if (command.data.empty() || command.data.size() > 2) {
    std::fprintf(stderr, "jorge dedup: give one --data FILE (pairs within it) or two (pairs across them)\n");
    return 2;
  }
  std::vector<identity::Record> records;
  for (size_t file = 0; file < command.data.size(); ++file) {
    auto table = read_csv_file(command.data[file]);
    if (!table.ok()) {
      std::fprintf(stderr, "jorge dedup: %s\n", table.error().message.c_str());
      return 2;
    }
    std::vector<std::string> header;
    for (const auto& column : table->header) header.push_back(trimmed(column));
    // Column -> field, from --map or from the header's words.
    std::vector<std::optional<identity::FieldType>> field_of(header.size());
    if (command.map.empty()) {
      for (size_t i = 0; i < header.size(); ++i) field_of[i] = proposed_field(header[i]);
    } else {
      for (const std::string& entry : command.map) {
        size_t equals = entry.rfind('=');
        std::string column = equals == std::string::npos ? "" : trimmed(entry.substr(0, equals));
        auto field = identity::parse_field_type(equals == std::string::npos ? "" : trimmed(entry.substr(equals + 1)));
        auto at = std::find(header.begin(), header.end(), column);
        if (!field) {
          std::fprintf(stderr, "jorge dedup: --map \"%s\": expected column=field with a field among first_name, "
                               "last_name, full_name, email, phone, street_number, address_line1, address_line2, "
                               "city, state, postal_code, birth_date, external_id\n", entry.c_str());
          return 2;
        }
        if (at == header.end()) continue;  // the other file may hold it
        field_of[static_cast<size_t>(at - header.begin())] = field;
      }
    }
    auto id_column = std::find(header.begin(), header.end(), command.id_column);
    if (!command.id_column.empty() && id_column == header.end()) {
      std::fprintf(stderr, "jorge dedup: %s has no column \"%s\" (--id-column)\n", command.data[file].c_str(),
                   command.id_column.c_str());
      return 2;
    }
    size_t mapped = 0;
    for (const auto& field : field_of) mapped += field.has_value();
    std::fprintf(stderr, "%s: %zu records, %zu columns compared:", command.data[file].c_str(), table->rows.size(), mapped);
    for (size_t i = 0; i < header.size(); ++i)
      if (field_of[i]) std::fprintf(stderr, " %s=%s", header[i].c_str(), std::string(identity::field_type_name(*field_of[i])).c_str());
    std::fprintf(stderr, "\n");
    if (mapped == 0) {
      std::fprintf(stderr, "jorge dedup: no column to compare; say which with --map column=field\n");
      return 2;
    }
    for (size_t row = 0; row < table->rows.size(); ++row) {
      identity::Record record;
      record.file = static_cast<int>(file);
      record.id = id_column == header.end() ? std::to_string(row + 1)
                                            : trimmed(table->rows[row][static_cast<size_t>(id_column - header.begin())]);
      for (size_t i = 0; i < header.size(); ++i)
        if (field_of[i]) record.values[static_cast<size_t>(*field_of[i])] = identity::normalise_value(*field_of[i], trimmed(table->rows[row][i]));
      records.push_back(std::move(record));
    }
  }
  identity::MatchOptions options;
  options.threshold = command.threshold;
  options.across_files = command.data.size() == 2;
  ProgressBar bar("matching");
  auto result = identity::match_records(records, options, [&](size_t done, size_t total, const char* what) {
    bar.update(static_cast<int>(done), static_cast<int>(std::max<size_t>(total, 1)), what);
  });
  bar.update(1, 1, "done");
  std::ofstream out(command.out, std::ios::binary);
  out << "id_a,id_b,probability\n";
  for (const auto& pair : result.matches) {
    char probability[32];
    std::snprintf(probability, sizeof probability, "%.6f", pair.probability);
    out << csv_field(records[pair.a].id) << ',' << csv_field(records[pair.b].id) << ',' << probability << '\n';
  }
  if (!out) {
    std::fprintf(stderr, "jorge dedup: cannot write %s\n", command.out.c_str());
    return 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu records, %zu candidate pairs from blocking, %zu pairs at probability >= %.2f written to %s "
              "(%.2f s, %.0f records/min)\n",
              records.size(), result.candidate_pairs, result.matches.size(), command.threshold, command.out.c_str(),
              seconds, records.size() / std::max(seconds, 1e-9) * 60);
  std::printf("Fellegi-Sunter weights after %d EM iterations (match share among candidates %.4f):\n",
              result.model.iterations, result.model.prior);
  for (size_t f = 0; f < result.model.fields.size(); ++f) {
    const auto& w = result.model.weights[f];
    std::printf("  %-14s agree m=%.3f u=%.4f  close m=%.3f u=%.4f  disagree m=%.3f u=%.4f\n",
                std::string(identity::field_type_name(result.model.fields[f])).c_str(), w.m[2], w.u[2], w.m[1], w.u[1],
                w.m[0], w.u[0]);
  }
  return 0;
}

}  // namespace jorge::cli
