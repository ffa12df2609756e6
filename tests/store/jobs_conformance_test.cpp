// The jobs role (store/jobs.hpp): a durable priority queue with leases.
// Run unchanged on SQLite and on a real PostgreSQL server.
#include "store/store_conformance.hpp"

namespace jorge::store {
namespace {

class JobsConformance : public StoreConformance {};

TEST_P(JobsConformance, ClaimsHotBeforeWarmBeforeColdAndOnlyWhenDue) {
  SystemTime now = clock_.now();
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"cold@example.com"})", "c"), "{}", JobPlan{2, now}).ok());
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"warm@example.com"})", "w"), "{}", JobPlan{1, now}).ok());
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"hot@example.com"})", "h"), "{}", JobPlan{0, now}).ok());
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"later@example.com"})", "l"), "{}",
                             JobPlan{0, now + std::chrono::seconds(60)}).ok());
  auto claimed = store_->claim_jobs("w1", now, now + std::chrono::minutes(5), 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].priority, 0);
  EXPECT_EQ((*claimed)[1].priority, 1);
  EXPECT_EQ((*claimed)[2].priority, 2);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_TRUE(store_->claim_jobs("w1", now, now + std::chrono::seconds(30), 10)->empty());
  SystemTime later = now + std::chrono::seconds(61);
  EXPECT_EQ(store_->claim_jobs("w1", later, later + std::chrono::seconds(30), 10)->size(), 1u);
}

TEST_P(JobsConformance, ExpiredLeaseGoesToTheNextWorker) {
  SystemTime now = clock_.now();
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"a@example.com"})", "a"), "{}", JobPlan{0, now}).ok());
  auto first = store_->claim_jobs("dies", now, now + std::chrono::seconds(30), 1);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE(store_->claim_jobs("other", now + std::chrono::seconds(10), now + std::chrono::seconds(40), 1)->empty());
  SystemTime after = now + std::chrono::seconds(31);
  auto second = store_->claim_jobs("other", after, after + std::chrono::seconds(30), 1);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().id, first->front().id);
  EXPECT_EQ(second->front().attempts, 2);
  // The first worker comes back: its lease is gone, so it cannot finish the job.
  EXPECT_EQ(store_->complete_job(first->front().id, "dies", after).error().code, ErrorCode::kAborted);
  EXPECT_TRUE(store_->complete_job(first->front().id, "other", after).ok());
}

TEST_P(JobsConformance, RetriesLaterBuriesAndRevives) {
  SystemTime now = clock_.now();
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"a@example.com"})", "a"), "{}", JobPlan{1, now}).ok());
  auto job = store_->claim_jobs("w", now, now + std::chrono::seconds(30), 1)->at(0);
  ASSERT_TRUE(store_->retry_job(job.id, "w", now + std::chrono::seconds(5), "unavailable: ghl 503").ok());
  EXPECT_TRUE(store_->claim_jobs("w", now, now + std::chrono::seconds(30), 1)->empty());
  SystemTime later = now + std::chrono::seconds(5);
  job = store_->claim_jobs("w", later, later + std::chrono::seconds(30), 1)->at(0);
  EXPECT_EQ(job.last_error, "unavailable: ghl 503");
  ASSERT_TRUE(store_->bury_job(job.id, "w", later, "invalid_argument: no phone").ok());
  auto dead = store_->dead_jobs(10);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().id, job.id);
  EXPECT_EQ(store_->revive_job(424242, later).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->revive_job(job.id, later).ok());
  auto revived = store_->claim_jobs("w", later, later + std::chrono::seconds(30), 1);
  ASSERT_EQ(revived->size(), 1u);
  EXPECT_EQ(revived->front().attempts, 1);
}

TEST_P(JobsConformance, CountsQueueByTierWithServiceTime) {
  SystemTime now = clock_.now();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->ingest(manual(R"({"email":"q)" + std::to_string(i) + R"(@example.com"})", "q" + std::to_string(i)),
                               "{}", JobPlan{i, now}).ok());
  auto job = store_->claim_jobs("w", now, now + std::chrono::seconds(30), 1)->at(0);
  ASSERT_TRUE(store_->complete_job(job.id, "w", now + std::chrono::milliseconds(200)).ok());
  auto counts = store_->queue_counts(now - std::chrono::seconds(60));
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->by_priority[0].depth, 0);
  EXPECT_EQ(counts->by_priority[1].depth, 1);
  EXPECT_EQ(counts->by_priority[2].depth, 1);
  EXPECT_EQ(counts->completed_in_window, 1);
  EXPECT_NEAR(counts->mean_service_seconds, 0.2, 1e-6);
}

TEST_P(JobsConformance, ConcurrentClaimersNeverShareAJob) {
  SystemTime now = clock_.now();
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i)
    ASSERT_TRUE(store_->ingest(manual(R"({"email":"j)" + std::to_string(i) + R"(@example.com"})", "j" + std::to_string(i)),
                               "{}", JobPlan{i % 3, now}).ok());
  std::mutex mutex;
  std::vector<int64_t> seen;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto claimed = store_->claim_jobs("w" + std::to_string(w), now, now + std::chrono::seconds(60), 7);
        ASSERT_TRUE(claimed.ok()) << claimed.error().message;
        if (claimed->empty()) return;
        std::lock_guard lock(mutex);
        for (const Job& job : *claimed) seen.push_back(job.id);
      }
    });
  for (auto& worker : workers) worker.join();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a job was claimed twice";
}


INSTANTIATE_TEST_SUITE_P(Backends, JobsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace jorge::store
