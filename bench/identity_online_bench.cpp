// Online identity at scale: fills a SQLite store with N contacts (default 1,000,000; a household
// or namesake in many last-name + ZIP buckets), then times what the ingest transaction adds for
// a lead no exact key finds: the indexed candidate query and the Fellegi–Sunter verdict.
//
//   identity_online_bench [DB_PATH] [CONTACTS] [LOOKUPS]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "identity/dedup_plan.hpp"
#include "store/store.hpp"

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "/tmp/jorge-identity-bench.db";
  long contacts = argc > 2 ? std::stol(argv[2]) : 1'000'000;
  int lookups = argc > 3 ? std::atoi(argv[3]) : 20'000;
  std::remove(path.c_str());
  {  // the schema, exactly as the server makes it
    jorge::SystemClock clock;
    auto store = jorge::store::open_store("sqlite://" + path, clock);
    if (!store.ok()) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
    (*store)->close();
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::mt19937 random(3);
  std::vector<std::string> firsts, lasts;
  const char* parts[] = {"ka", "ri", "mo", "la", "ne", "to", "sa", "vi", "do", "ren", "mar", "lin", "bo", "tha", "el"};
  auto word = [&](int n) {
    std::string w;
    for (int i = 0; i < n; ++i) w += parts[random() % 15];
    w[0] = static_cast<char>(std::toupper(w[0]));
    return w;
  };
  for (int i = 0; i < 3000; ++i) firsts.push_back(word(2));
  for (int i = 0; i < 20000; ++i) lasts.push_back(word(3));
  auto start = std::chrono::steady_clock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO contacts (first_name, last_name, full_name, email, phone, address, city, state, "
                     "postal_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'Austin', 'TX', ?, 0, 0)",
                     -1, &insert, nullptr);
  for (long i = 0; i < contacts; ++i) {
    std::string first = firsts[random() % firsts.size()], last = lasts[random() % lasts.size()];
    std::string zip = std::to_string(78600 + random() % 150), email = "c" + std::to_string(i) + "@example.com";
    std::string phone = "+1512" + std::to_string(1000000 + i), address = std::to_string(random() % 9000) + " Oak St";
    std::string full = first + " " + last;
    sqlite3_bind_text(insert, 1, first.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, last.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, full.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, email.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 5, phone.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 6, address.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 7, zip.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    if (i % 200000 == 0) std::fprintf(stderr, "generated %ld of %ld contacts\n", i, contacts);
  }
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  std::fprintf(stderr, "generated %ld contacts in %.1f s\n", contacts,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  // The ingest transaction's queries (src/store/internal/ingest_transaction.cpp) and verdicts:
  // last name + ZIP first; without a ZIP, or with nobody of that name there, first + last name.
  auto prepare = [&](const char* where) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db,
                       (std::string("SELECT id, first_name, last_name, full_name, email, phone, address, city, state, "
                                    "postal_code FROM contacts WHERE ") +
                        where + " AND merged_into IS NULL ORDER BY id LIMIT 50")
                           .c_str(),
                       -1, &statement, nullptr);
    return statement;
  };
  sqlite3_stmt* by_zip = prepare("postal_code = ? AND last_name = ?");
  sqlite3_stmt* by_name = prepare("first_name = ? AND last_name = ?");
  auto candidates_of = [](sqlite3_stmt* query, const std::string& a, const std::string& b) {
    auto text = [&](int column) {
      const unsigned char* value = sqlite3_column_text(query, column);
      return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
    };
    sqlite3_bind_text(query, 1, a.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(query, 2, b.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<jorge::ContactFields> found;
    while (sqlite3_step(query) == SQLITE_ROW)
      found.push_back({sqlite3_column_int64(query, 0), text(1), text(2), text(3), text(4), text(5), text(6), text(7),
                       text(8), text(9)});
    sqlite3_reset(query);
    return found;
  };
  std::vector<double> micros;
  size_t candidates_seen = 0, joined = 0, by_name_lookups = 0;
  for (int i = 0; i < lookups; ++i) {
    // Every other lead gives no ZIP, as many portal leads do.
    jorge::ContactFields incoming{0, firsts[random() % firsts.size()], lasts[random() % lasts.size()], "",
                                            "new" + std::to_string(i) + "@example.org", "+17375550000",
                                            std::to_string(random() % 9000) + " Oak St", "Austin", "TX",
                                            i % 2 ? "" : std::to_string(78600 + random() % 150)};
    auto t0 = std::chrono::steady_clock::now();
    std::optional<jorge::OnlineMatch> verdict;
    bool found_at_zip = false;
    if (!incoming.postal_code.empty()) {
      auto candidates = candidates_of(by_zip, incoming.postal_code, incoming.last_name);
      candidates_seen += candidates.size();
      found_at_zip = !candidates.empty();
      if (found_at_zip) verdict = jorge::identity::match_online(incoming, candidates, {});
    }
    if (!found_at_zip) {
      ++by_name_lookups;
      auto candidates = candidates_of(by_name, incoming.first_name, incoming.last_name);
      candidates_seen += candidates.size();
      if (!candidates.empty())
        verdict = jorge::identity::match_online(incoming, candidates, {}, jorge::CandidateBlock::kFullName);
    }
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    joined += verdict && verdict->same;
  }
  sqlite3_finalize(by_zip);
  sqlite3_finalize(by_name);
  sqlite3_close(db);
  std::sort(micros.begin(), micros.end());
  std::printf("RESULT identity_online contacts=%ld lookups=%d p50=%.1fus p99=%.1fus max=%.1fus candidates_per_lookup=%.2f "
              "name_block_lookups=%zu joined=%zu\n",
              contacts, lookups, micros[micros.size() / 2], micros[micros.size() * 99 / 100], micros.back(),
              static_cast<double>(candidates_seen) / lookups, by_name_lookups, joined);
  std::remove(path.c_str());
  return 0;
}
