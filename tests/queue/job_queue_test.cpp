#include "queue/job_queue.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>

#include "ingest/manual/manual_lead.hpp"
#include "support/test_env.hpp"

namespace jorge::queue {
namespace {

class JobQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::open_store("sqlite://" + dir_.file("jorge.db"), clock_)).value();
    options_.max_attempts = 3;
    queue_ = std::make_unique<JobQueue>(*store_, clock_, options_, [this] { return random_; });
  }

  void add_lead(Tier tier, const std::string& key) {
    auto event = ingest::parse_manual_lead(R"({"email":")" + key + R"(@example.com"})");
    event->idempotency_key = key;
    ASSERT_TRUE(store_->ingest(*event, "{}", queue_->plan(tier)).ok());
  }

  testing::TempDir dir_;
  ManualClock clock_{from_unix_millis(1'795'000'000'000)};
  std::unique_ptr<store::Store> store_;
  QueueOptions options_;
  double random_ = 0.0;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(JobQueueTest, PlansHotNowWarmInAMinuteColdInFive) {
  EXPECT_EQ(queue_->plan(Tier::kHot).run_at, clock_.now());
  EXPECT_EQ(queue_->plan(Tier::kWarm).run_at, clock_.now() + std::chrono::seconds(60));
  EXPECT_EQ(queue_->plan(Tier::kCold).priority, 2);
}

TEST_F(JobQueueTest, WarmLeadWaitsForItsDelay) {
  add_lead(Tier::kWarm, "warm");
  EXPECT_TRUE(queue_->claim("w", 10)->empty());
  clock_.advance(std::chrono::seconds(60));
  EXPECT_EQ(queue_->claim("w", 10)->size(), 1u);
}

TEST_F(JobQueueTest, BackoffDoublesAndJittersWithinItsBounds) {
  random_ = 0.0;
  EXPECT_EQ(queue_->backoff(1), std::chrono::milliseconds(500));
  EXPECT_EQ(queue_->backoff(3), std::chrono::milliseconds(2000));
  random_ = 0.999;
  EXPECT_NEAR(static_cast<double>(queue_->backoff(3).count()), 4000, 5);
  EXPECT_LE(queue_->backoff(40).count(), options_.backoff_max.count());
}

TEST_F(JobQueueTest, RetriesThenBuriesAfterMaxAttempts) {
  add_lead(Tier::kHot, "flaky");
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto jobs = queue_->claim("w", 1);
    ASSERT_EQ(jobs->size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(jobs->front().attempts, attempt);
    ASSERT_TRUE(queue_->fail(jobs->front(), "w", Error{ErrorCode::kUnavailable, "ghl answered 503"}).ok());
    clock_.advance(std::chrono::minutes(10));
  }
  EXPECT_TRUE(queue_->claim("w", 1)->empty());
  auto dead = store_->dead_jobs(10);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_NE(dead->front().last_error.find("503"), std::string::npos);
}

TEST_F(JobQueueTest, HopelessErrorBuriesAtOnce) {
  add_lead(Tier::kHot, "hopeless");
  auto job = queue_->claim("w", 1)->at(0);
  ASSERT_TRUE(queue_->fail(job, "w", Error{ErrorCode::kInvalidArgument, "ghl 422"}).ok());
  EXPECT_EQ(store_->dead_jobs(10)->size(), 1u);
}

TEST_F(JobQueueTest, StatusReportsTiersRateAndWorkers) {
  add_lead(Tier::kHot, "h1");
  add_lead(Tier::kCold, "c1");
  auto job = queue_->claim("w", 1)->at(0);
  clock_.advance(std::chrono::seconds(2));
  ASSERT_TRUE(queue_->complete(job, "w").ok());
  auto status = queue_->status();
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->tiers.size(), 3u);
  EXPECT_EQ(status->tiers[0].tier, "hot");
  EXPECT_EQ(status->tiers[0].depth, 0);
  EXPECT_EQ(status->tiers[2].depth, 1);
  EXPECT_DOUBLE_EQ(status->tiers[2].oldest_age_seconds, 2.0);
  EXPECT_DOUBLE_EQ(status->mean_service_seconds, 2.0);
  EXPECT_DOUBLE_EQ(status->jobs_per_second, 1.0 / 60.0);
  EXPECT_EQ(status->recommended_workers, 2);  // ceil(1 × 2 s / 1 s)
}

TEST(RecommendedWorkers, IsDepthTimesServiceOverTargetClamped) {
  EXPECT_EQ(recommended_workers(10, 0.5, 1.0, 1, 16), 5);
  EXPECT_EQ(recommended_workers(0, 0.5, 1.0, 1, 16), 1);
  EXPECT_EQ(recommended_workers(1000, 0.5, 1.0, 1, 16), 16);
}

}  // namespace
}  // namespace jorge::queue

namespace jorge::queue {
namespace {

// #17: one retry policy for jobs and outbox messages.
TEST(RetryPolicy, OnlyErrorsAPersonMustFixAreNotRetried) {
  for (ErrorCode code : {ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated, ErrorCode::kFailedPrecondition,
                         ErrorCode::kPayloadTooLarge})
    EXPECT_TRUE(retry_cannot_help(code)) << error_code_name(code);
  for (ErrorCode code : {ErrorCode::kUnavailable, ErrorCode::kResourceExhausted, ErrorCode::kAborted,
                         ErrorCode::kInternal, ErrorCode::kNotFound})
    EXPECT_FALSE(retry_cannot_help(code)) << error_code_name(code);
}

}  // namespace
}  // namespace jorge::queue
