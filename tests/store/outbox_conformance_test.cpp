// The outbox role (store/outbox.hpp), and one text per person whatever merges happen (#16).
// Run unchanged on SQLite and on a real PostgreSQL server.
#include "store/store_conformance.hpp"

namespace jorge::store {
namespace {

class OutboxConformance : public StoreConformance {};

// Finishes one job per lead, each writing an SMS for that lead into the outbox at `priority`.
std::vector<ContactId> queue_texts(Store& store, SystemTime now, const std::vector<int>& priorities,
                                   const std::function<InboundEvent(int)>& event_for) {
  std::vector<ContactId> contacts;
  for (size_t i = 0; i < priorities.size(); ++i) {
    auto outcome = store.ingest(event_for(static_cast<int>(i)), "{}", JobPlan{priorities[i], now});
    EXPECT_TRUE(outcome.ok());
    contacts.push_back(outcome->contact_id.value_or(0));
  }
  for (;;) {
    auto jobs = store.claim_jobs("worker", now, now + std::chrono::seconds(30), 50);
    EXPECT_TRUE(jobs.ok());
    if (!jobs.ok() || jobs->empty()) break;
    for (const Job& job : *jobs) {
      JobEffects effects;
      OutboxMessage text;
      text.contact_id = *job.contact_id;
      text.external_contact_id = "crm" + std::to_string(*job.contact_id);
      text.priority = job.priority;
      text.payload = "Hi, Jorge here";
      text.due_at = now;
      effects.messages.push_back(text);
      EXPECT_TRUE(store.complete_job_with(job.id, "worker", now, effects).ok());
    }
  }
  return contacts;
}

TEST_P(OutboxConformance, OutboxHandsHotTextsOutFirstAndOnlyWhenDue) {
  SystemTime now = clock_.now();
  queue_texts(*store_, now, {2, 0, 1}, [&](int i) { return manual(R"({"phone":"+1512555010)" + std::to_string(i) + R"("})", "o" + std::to_string(i)); });
  auto claimed = store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].priority, 0);
  EXPECT_EQ((*claimed)[1].priority, 1);
  EXPECT_EQ((*claimed)[2].priority, 2);
  for (const auto& message : *claimed) {
    EXPECT_FALSE(message.attempted_before);
    EXPECT_EQ(message.attempts, 1);
  }
  for (size_t i = 1; i < claimed->size(); ++i)
    ASSERT_TRUE(store_->finish_outbox((*claimed)[i].id, "sender", Store::OutboxOutcome::kSent, now, "m", "c", "").ok());
  // Postponed without counting (quiet hours): not due until then, and the claim is undone.
  const auto& first = (*claimed)[0];
  ASSERT_TRUE(store_->postpone_outbox(first.id, "sender", now + std::chrono::hours(1), false, "quiet hours").ok());
  EXPECT_TRUE(store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10)->empty());
  SystemTime later = now + std::chrono::hours(1);
  auto again = store_->claim_outbox("sender", later, later + std::chrono::seconds(30), 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().attempts, 1);
  EXPECT_EQ(again->front().last_error, "quiet hours");
}

TEST_P(OutboxConformance, OutboxLeaseLostMidSendComesBackMarkedForReconciliation) {
  SystemTime now = clock_.now();
  queue_texts(*store_, now, {0}, [&](int) { return manual(R"({"phone":"+15125550199"})", "mid-send"); });
  auto claimed = store_->claim_outbox("dies", now, now + std::chrono::seconds(5), 10);
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(store_->mark_outbox_attempt(claimed->front().id, "dies", now, now + std::chrono::seconds(5)).ok());
  EXPECT_TRUE(store_->claim_outbox("other", now, now + std::chrono::seconds(5), 10)->empty());  // still leased
  SystemTime later = now + std::chrono::seconds(6);
  auto taken = store_->claim_outbox("other", later, later + std::chrono::seconds(5), 10);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_TRUE(taken->front().attempted_before);
  // The first sender's late answer no longer counts: its lease is gone.
  EXPECT_EQ(store_->finish_outbox(taken->front().id, "dies", Store::OutboxOutcome::kSent, later, "m1", "c1", "").error().code,
            ErrorCode::kAborted);
  ASSERT_TRUE(store_->finish_outbox(taken->front().id, "other", Store::OutboxOutcome::kSent, later, "m1", "c1", "").ok());
  auto rows = store_->outbox_for_contact(taken->front().contact_id);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().state, OutboxState::kSent);
  EXPECT_EQ(rows->front().conversation_id, "c1");
}

TEST_P(OutboxConformance, DeadMessagesAreListedAndRevived) {
  SystemTime now = clock_.now();
  queue_texts(*store_, now, {1}, [&](int) { return manual(R"({"phone":"+15125550198"})", "dead-text"); });
  auto claimed = store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10);
  ASSERT_EQ(claimed->size(), 1u);
  int64_t id = claimed->front().id;
  ASSERT_TRUE(store_->finish_outbox(id, "sender", Store::OutboxOutcome::kDead, now, "", "", "invalid_argument: 422").ok());
  auto dead = store_->dead_outbox(10);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().id, id);
  EXPECT_EQ(dead->front().last_error, "invalid_argument: 422");
  EXPECT_EQ(store_->revive_outbox(424242, now).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->revive_outbox(id, now).ok());
  EXPECT_TRUE(store_->dead_outbox(10)->empty());
  auto revived = store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10);
  ASSERT_EQ(revived->size(), 1u);
  EXPECT_EQ(revived->front().attempts, 1);
}

TEST_P(OutboxConformance, ConcurrentSendersNeverShareAMessage) {
  SystemTime now = clock_.now();
  constexpr int kTexts = 60;
  queue_texts(*store_, now, std::vector<int>(kTexts, 1), [&](int i) {
    return manual(R"({"email":"s)" + std::to_string(i) + R"(@example.com"})", "s" + std::to_string(i));
  });
  std::mutex mutex;
  std::vector<int64_t> seen;
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s)
    senders.emplace_back([&, s] {
      for (;;) {
        auto claimed = store_->claim_outbox("s" + std::to_string(s), now, now + std::chrono::seconds(60), 5);
        ASSERT_TRUE(claimed.ok()) << claimed.error().message;
        if (claimed->empty()) return;
        std::lock_guard lock(mutex);
        for (const auto& message : *claimed) seen.push_back(message.id);
      }
    });
  for (auto& sender : senders) sender.join();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kTexts));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a message was claimed twice";
}

// #16: one first text per person, whatever merges happen around it.
class OneTextPerPerson : public StoreConformance {
 protected:
  ContactId person(const std::string& email) {
    IngestOutcome stored = ingest(manual(R"({"first_name":"Ana","email":")" + email + R"("})", email));
    EXPECT_TRUE(stored.contact_id);
    return stored.contact_id.value_or(0);
  }
  // Finishes a job as the worker does for a new lead: the person's first text. (Which job it
  // is does not matter to the store; one is made when none waits.)
  void greet(ContactId contact) {
    auto jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 1);
    if (jobs.ok() && jobs->empty()) {
      const std::string n = std::to_string(++made_jobs_);  // apart: arguments are evaluated in no set order
      ingest(manual(R"({"email":"job)" + n + R"(@example.com"})", "job" + n));
      jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 1);
    }
    ASSERT_TRUE(jobs.ok() && jobs->size() == 1u);
    ASSERT_TRUE(store_->complete_job_with(jobs->front().id, "worker", clock_.now(), first_touch(contact)).ok());
  }
  // What the worker writes for a new lead: its first text, keyed for its person.
  static JobEffects first_touch(ContactId contact) {
    JobEffects effects;
    OutboxMessage text;
    text.contact_id = contact;
    text.external_contact_id = "crm" + std::to_string(contact);
    text.payload = "Hi, Jorge here";
    text.purpose = "first-touch";
    effects.messages.push_back(text);
    return effects;
  }
  void send_all() {
    auto claimed = store_->claim_outbox("sender", clock_.now(), clock_.now() + std::chrono::seconds(30), 50);
    ASSERT_TRUE(claimed.ok());
    for (const auto& message : *claimed)
      ASSERT_TRUE(store_->finish_outbox(message.id, "sender", Store::OutboxOutcome::kSent, clock_.now(), "m", "c", "").ok());
  }
  std::vector<std::string> states(ContactId contact) {
    std::vector<std::string> out;
    for (const auto& message : *store_->outbox_for_contact(contact)) out.push_back(std::string(outbox_state_name(message.state)));
    std::sort(out.begin(), out.end());
    return out;
  }
  Status merge(ContactId kept, ContactId merged) {
    auto merged_id = store_->merge_contacts(kept, merged, 1.0, "{}", "test", clock_.now());
    return merged_id.ok() ? ok_status() : Status{merged_id.error()};
  }
  int made_jobs_ = 0;
};

TEST_P(OneTextPerPerson, AMergeCancelsTheMergedContactsPendingGreetingAndSaysWhy) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(ana);
  greet(also_ana);
  ASSERT_TRUE(merge(ana, also_ana).ok());
  EXPECT_EQ(states(ana), (std::vector<std::string>{"cancelled", "pending"}));
  auto detail = store_->get_lead(ana);
  ASSERT_TRUE(detail.ok());
  bool shown = false;
  for (const auto& waiting : detail->waiting_messages)
    shown |= waiting.state == "cancelled" && waiting.reason == "merged into " + std::to_string(ana);
  EXPECT_TRUE(shown) << "the lead's detail shows the cancelled duplicate and why";
  // A job of the merged-away contact still in flight writes nothing more: it greets the person.
  ingest(manual(R"({"first_name":"Ana","email":"ana.d@example.com","phone":"+15125550177"})", "late"));
  greet(also_ana);
  EXPECT_EQ(states(ana), (std::vector<std::string>{"cancelled", "pending"}));
}

TEST_P(OneTextPerPerson, AGreetingSentToTheMergedContactCountsForThePerson) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(also_ana);
  send_all();
  ASSERT_TRUE(merge(ana, also_ana).ok());
  ingest(manual(R"({"first_name":"Ana","email":"ana@example.com","phone":"+15125550176"})", "again"));
  greet(ana);
  greet(ana);
  EXPECT_EQ(states(ana), (std::vector<std::string>{"sent"})) << "the person was greeted once, as the other contact";
  // Undone, they are two people again: the restored one keeps its greeting, the other may get one.
  ASSERT_TRUE(store_->unmerge_contact(also_ana, clock_.now()).ok());
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"sent"}));
  ingest(manual(R"({"first_name":"Ana","email":"ana@example.com","phone":"+15125550175"})", "after-undo"));
  greet(ana);
  EXPECT_EQ(states(ana), (std::vector<std::string>{"pending"}));
  greet(also_ana);
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"sent"}));
}

TEST_P(OneTextPerPerson, TheKeptContactsUnsentGreetingYieldsToOneAlreadySent) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(also_ana);
  send_all();
  greet(ana);
  ASSERT_TRUE(merge(ana, also_ana).ok());
  EXPECT_EQ(states(ana), (std::vector<std::string>{"cancelled", "sent"}));
  EXPECT_TRUE(store_->claim_outbox("sender", clock_.now(), clock_.now() + std::chrono::seconds(30), 50)->empty());
}

TEST_P(OneTextPerPerson, AnUnmergeLeavesACancelledGreetingCancelled) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(ana);
  greet(also_ana);
  ASSERT_TRUE(merge(ana, also_ana).ok());
  ASSERT_TRUE(store_->unmerge_contact(also_ana, clock_.now()).ok());
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"cancelled"}));
  ingest(manual(R"({"first_name":"Ana","email":"ana.d@example.com","phone":"+15125550174"})", "after-undo"));
  greet(also_ana);
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"cancelled"})) << "greeted only if neither side ever was";
}

TEST_P(OneTextPerPerson, JobsRacingForOnePersonWriteOneGreeting) {
  ContactId ana = person("ana@example.com");
  for (int i = 0; i < 7; ++i) ingest(manual(R"({"first_name":"Ana","email":"ana@example.com"})", "dup" + std::to_string(i)));
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto jobs = store_->claim_jobs("w" + std::to_string(w), clock_.now(), clock_.now() + std::chrono::seconds(30), 1);
        if (!jobs.ok() || jobs->empty()) return;
        EXPECT_TRUE(store_->complete_job_with(jobs->front().id, "w" + std::to_string(w), clock_.now(), first_touch(ana)).ok());
      }
    });
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(states(ana), (std::vector<std::string>{"pending"}));
}

// A merge and the jobs writing both contacts' greetings, at the same moment, many times over:
// whoever wins, the person is left with exactly one greeting that may go out.
TEST_P(OneTextPerPerson, AMergeRacingTheGreetingsLeavesOneThatMayGoOut) {
  for (int round = 0; round < 12; ++round) {
    const std::string tag = std::to_string(round);
    ContactId ana = person("ana" + tag + "@example.com"), also_ana = person("ana.d" + tag + "@example.com");
    auto jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 2);
    ASSERT_TRUE(jobs.ok() && jobs->size() == 2u);
    auto write = [&](ContactId contact, const Job& job) {
      EXPECT_TRUE(store_->complete_job_with(job.id, "worker", clock_.now(), first_touch(contact)).ok());
    };
    std::thread first([&] { write(ana, (*jobs)[0]); });
    std::thread second([&] { write(also_ana, (*jobs)[1]); });
    std::thread merger([&] { EXPECT_TRUE(merge(ana, also_ana).ok()); });
    first.join(), second.join(), merger.join();
    std::vector<std::string> rows = states(ana);
    EXPECT_EQ(std::count(rows.begin(), rows.end(), "pending"), 1) << "round " << round;
    EXPECT_TRUE(states(also_ana).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Backends, OneTextPerPerson, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace jorge::store
