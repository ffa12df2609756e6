// Store throughput on SQLite without HTTP or signatures: how many webhook events per second
// the group-commit writer commits, and its CPU per event (see docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/ghl/ghl_adapter.hpp"
#include "store/store.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// Keeps `in_flight` events outstanding, like that many webhook connections.
void BM_StoreIngest(benchmark::State& state) {
  const int in_flight = static_cast<int>(state.range(0));
  std::string dir = std::filesystem::temp_directory_path() / "jorge-store-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  jorge::SystemClock clock;
  auto store = *jorge::store::open_store("sqlite://" + dir + "/bench.db", clock);
  auto adapter = jorge::ingest::make_ghl_adapter({});
  std::vector<std::string> templates;
  for (const char* name : {"ingest_contact_create.json", "ingest_inbound_message.json", "ingest_inbound_short.json"})
    templates.push_back(slurp(std::string(JORGE_PEER_PAYLOADS) + "/" + name));
  std::mutex mutex;
  std::condition_variable done_one;
  int outstanding = 0;
  int64_t next = 0;
  for (auto _ : state) {
    std::unique_lock lock(mutex);
    done_one.wait(lock, [&] { return outstanding < in_flight; });
    ++outstanding;
    lock.unlock();
    std::string body = templates[next % templates.size()];
    body.replace(body.find("__WEBHOOK_ID__"), 14, "b" + std::to_string(next++));
    auto events = adapter->parse(body);
    store->ingest_async(std::move(events->front()), body, jorge::queue::JobPlan{}, [&](jorge::Result<jorge::store::IngestOutcome>) {
      std::lock_guard inner(mutex);
      --outstanding;
      done_one.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  done_one.wait(lock, [&] { return outstanding == 0; });
  lock.unlock();
  store->close();
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove_all(dir);
}

}  // namespace

BENCHMARK(BM_StoreIngest)->Arg(1)->Arg(32)->UseRealTime()->MinTime(3.0);
BENCHMARK_MAIN();
