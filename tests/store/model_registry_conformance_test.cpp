// The model registry and scores roles (store/model_registry.hpp, store/scores.hpp).
// Run unchanged on SQLite and on a real PostgreSQL server.
#include "store/store_conformance.hpp"

namespace jorge::store {
namespace {

class ModelRegistryConformance : public StoreConformance {};

TEST_P(ModelRegistryConformance, ModelRegistryActivatesAndRollsBack) {
  SystemTime now = clock_.now();
  EXPECT_EQ(*store_->active_model_version(), "");
  EXPECT_FALSE(store_->active_model()->has_value());
  ModelRecord first{"m-1", "table", "abc", R"({"auc":0.8})", "{\"body\":1}", now, false};
  ModelRecord second{"m-2", "table", "def", R"({"auc":0.9})", "{\"body\":2}", now + std::chrono::seconds(1), false};
  ASSERT_TRUE(store_->add_model(first).ok());
  ASSERT_TRUE(store_->add_model(first).ok());  // the same file again: nothing changes
  ASSERT_TRUE(store_->add_model(second).ok());
  second.body = "other";
  EXPECT_EQ(store_->add_model(second).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->activate_model("nope", now).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->rollback_model(now).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store_->activate_model("m-1", now).ok());
  ASSERT_TRUE(store_->activate_model("m-2", now).ok());
  EXPECT_EQ(*store_->active_model_version(), "m-2");
  auto active = store_->active_model();
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->body, "{\"body\":2}");
  auto listed = store_->list_models();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().version, "m-2");
  EXPECT_TRUE(listed->front().active);
  EXPECT_FALSE(listed->back().active);
  EXPECT_EQ(*store_->rollback_model(now), "m-1");
  EXPECT_EQ(*store_->active_model_version(), "m-1");
  EXPECT_EQ(*store_->rollback_model(now), "m-2");
}

TEST_P(ModelRegistryConformance, KeepsEachScoreWithItsModelVersion) {
  SystemTime now = clock_.now();
  auto outcome = store_->ingest(manual(R"({"email":"s@example.com"})", "scored"), "{}");
  ASSERT_TRUE(outcome.ok());
  ContactId contact = *outcome->contact_id;
  EXPECT_FALSE(store_->latest_lead_score(contact)->has_value());
  ASSERT_TRUE(store_->save_lead_score({contact, "rules-v1", "WARM", 55.5, "[]", "[1,2]", now}).ok());
  ASSERT_TRUE(store_->save_lead_score({contact, "m-2", "HOT", 87.25, R"([{"field":"x"}])", "[3,4]",
                                       now + std::chrono::seconds(5)}).ok());
  auto latest = store_->latest_lead_score(contact);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->model_version, "m-2");
  EXPECT_DOUBLE_EQ((*latest)->score, 87.25);
  EXPECT_EQ((*latest)->quality, "HOT");
  EXPECT_EQ(store_->lead_scores_since(now + std::chrono::seconds(1), 10)->size(), 1u);
  EXPECT_EQ(store_->lead_scores_since(now, 10)->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModelRegistryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace jorge::store
