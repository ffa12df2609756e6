#pragma once
// The fixture every store conformance suite shares (one suite per role, run unchanged on
// SQLite and on a real PostgreSQL server): a fresh database, the GoHighLevel adapter and
// manual leads to feed it, a manual clock.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/manual/manual_lead.hpp"
#include "store/store.hpp"
#include "support/test_env.hpp"

namespace jorge::store {

using testing::Backend;

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database(GetParam(), dir_);
    if (url_.empty()) GTEST_SKIP() << testing::kNoPostgres;
    reopen();
  }

  void reopen() {
    store_.reset();
    auto opened = open_store(url_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  InboundEvent ghl_event(const std::string& fixture_name) {
    auto events = adapter_->parse(testing::fixture("ghl/" + fixture_name));
    EXPECT_TRUE(events.ok());
    return events->front();
  }

  IngestOutcome ingest(InboundEvent event, const std::string& raw = "{}") {
    auto outcome = store_->ingest(std::move(event), raw);
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    return outcome.ok() ? *outcome : IngestOutcome{};
  }

  InboundEvent manual(const std::string& body, const std::string& key) {
    auto event = ingest::parse_manual_lead(body);
    EXPECT_TRUE(event.ok());
    event->idempotency_key = key;
    return *event;
  }

  StoreCounts counts() { return *store_->counts(); }

  testing::TempDir dir_;
  ManualClock clock_{from_unix_millis(1'795'000'000'000)};
  std::string url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ingest::SourceAdapter> adapter_ = ingest::make_ghl_adapter({});
};

}  // namespace jorge::store
