// One bot turn in-process (bots.md §2): extraction -> merge -> signals -> template -> persona ->
// quiet hours, on a typical message of each bot. Target (#18): median under 20 µs.
#include <benchmark/benchmark.h>

#include "bots/engine.hpp"
#include "bots/extract.hpp"

namespace {

using namespace jorge::bots;

jorge::SystemTime noon() { return jorge::from_unix_millis(1'773'158'400'000LL); }  // 2026-03-10 16:00 UTC

void BM_ExtractBuyerMessage(benchmark::State& state) {
  ExtractContext context;
  context.role = Role::kBuyer;
  for (auto _ : state)
    benchmark::DoNotOptimize(extract("saw the house on zillow in hutto. we're preapproved for 385k, need 3 bed by june", context));
}
BENCHMARK(BM_ExtractBuyerMessage);

void BM_TurnBuyer(benchmark::State& state) {
  Conversation conversation = start_conversation("bench", Role::kBuyer);
  conversation.state = State::kQualifying;
  const EngineConfig config;
  const LeadFacts facts;
  const Inbound inbound{"m1", "saw the house on zillow in hutto. we're preapproved for 385k", noon()};
  for (auto _ : state) benchmark::DoNotOptimize(take_turn(conversation, inbound, facts, config));
}
BENCHMARK(BM_TurnBuyer);

void BM_TurnSellerToHot(benchmark::State& state) {
  Conversation conversation = start_conversation("bench", Role::kSeller);
  conversation.state = State::kQualifying;
  const EngineConfig config;
  const LeadFacts facts;
  const Inbound inbound{"m1", "inherited my dad's place in del valle, roof is shot, want it gone in 60 days, would take 210",
                        noon()};
  for (auto _ : state) benchmark::DoNotOptimize(take_turn(conversation, inbound, facts, config));
}
BENCHMARK(BM_TurnSellerToHot);

void BM_TurnSpanish(benchmark::State& state) {
  Conversation conversation = start_conversation("bench", Role::kUnknown);
  const EngineConfig config;
  const LeadFacts facts;
  const Inbound inbound{"m1", "Hola, busco casa en Manor, tengo preaprobación de 300 mil", noon()};
  for (auto _ : state) benchmark::DoNotOptimize(take_turn(conversation, inbound, facts, config));
}
BENCHMARK(BM_TurnSpanish);

// A buyer's whole qualification, turn by turn, as leads answer: mostly short replies. Each
// iteration is one turn on the state the previous turns left (the conversation restarts after
// the last); the per-turn time is the figure the target is about.
void BM_TurnConversation(benchmark::State& state) {
  static const char* const kReplies[] = {"hi yes still looking",
                                         "around 400k",
                                         "hutto or pflugerville",
                                         "next spring probably",
                                         "we're preapproved with our credit union",
                                         "3 bed 2 bath, need a yard for the dog",
                                         "can we see the one on zillow saturday?",
                                         "thanks",
                                         "what's the hoa on that one",
                                         "ok sounds good"};
  const EngineConfig config;
  const LeadFacts facts;
  const Conversation fresh = start_conversation("bench", Role::kBuyer);
  Conversation conversation = fresh;
  size_t next = 0;
  for (auto _ : state) {
    const Inbound inbound{"m" + std::to_string(next), kReplies[next], noon() + std::chrono::minutes(next)};
    Turn turn = take_turn(conversation, inbound, facts, config);
    conversation = std::move(turn.conversation);
    if (++next == std::size(kReplies)) {
      next = 0;
      conversation = fresh;
    }
  }
}
BENCHMARK(BM_TurnConversation);

}  // namespace

BENCHMARK_MAIN();
