// Online identity at scale: fills a SQLite store with N contacts (default 1,000,000; a household
// or namesake in many last-name + ZIP buckets), then times what the ingest transaction adds for
// a lead no exact key finds: the indexed candidate query and the Fellegi–Sunter verdict.
//
//   identity_online_bench [DB_PATH] [CONTACTS] [LOOKUPS]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
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

  // The ingest transaction's query (src/store/internal/ingest_transaction.cpp) and verdict.
  sqlite3_stmt* query = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT id, first_name, last_name, full_name, email, phone, address, city, state, postal_code "
                     "FROM contacts WHERE postal_code = ? AND last_name = ? AND merged_into IS NULL ORDER BY id LIMIT 50",
                     -1, &query, nullptr);
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(query, column);
    return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
  };
  std::vector<double> micros;
  size_t candidates_seen = 0, joined = 0;
  for (int i = 0; i < lookups; ++i) {
    jorge::identity::ContactFields incoming{0, firsts[random() % firsts.size()], lasts[random() % lasts.size()], "",
                                            "new" + std::to_string(i) + "@example.org", "+17375550000",
                                            std::to_string(random() % 9000) + " Oak St", "Austin", "TX",
                                            std::to_string(78600 + random() % 150)};
    auto t0 = std::chrono::steady_clock::now();
    sqlite3_bind_text(query, 1, incoming.postal_code.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(query, 2, incoming.last_name.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<jorge::identity::ContactFields> candidates;
    while (sqlite3_step(query) == SQLITE_ROW)
      candidates.push_back({sqlite3_column_int64(query, 0), text(1), text(2), text(3), text(4), text(5), text(6),
                            text(7), text(8), text(9)});
    sqlite3_reset(query);
    auto verdict = jorge::identity::match_online(incoming, candidates, {});
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    candidates_seen += candidates.size();
    joined += verdict && verdict->same;
  }
  sqlite3_finalize(query);
  sqlite3_close(db);
  std::sort(micros.begin(), micros.end());
  std::printf("RESULT identity_online contacts=%ld lookups=%d p50=%.1fus p99=%.1fus max=%.1fus candidates_per_lookup=%.2f "
              "joined=%zu\n",
              contacts, lookups, micros[micros.size() / 2], micros[micros.size() * 99 / 100], micros.back(),
              static_cast<double>(candidates_seen) / lookups, joined);
  std::remove(path.c_str());
  return 0;
}
