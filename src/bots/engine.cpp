#include "bots/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "bots/compliance/quiet_hours.hpp"
#include "bots/llm.hpp"
#include "bots/persona.hpp"
#include "bots/text.hpp"

namespace jorge::bots {
namespace {

constexpr std::array<std::string_view, 2> kBotNames = {"lead", "seller"};
constexpr std::array<std::string_view, 7> kStateNames = {"new",        "awaiting_role", "qualifying", "nurture",
                                                         "handed_off", "closed",        "opted_out"};
const std::vector<std::string> kDefaultZones = {"America/Chicago"};

uint64_t fnv1a(std::string_view a, std::string_view b) {
  uint64_t hash = 1469598103934665603ULL;
  for (std::string_view part : {a, std::string_view(":"), b})
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
  return hash;
}

bool is_seller_group(SlotGroup group) {
  return group == SlotGroup::kCondition || group == SlotGroup::kPrice || group == SlotGroup::kAddress ||
         group == SlotGroup::kListed;
}

bool filled(const Conversation& c, SlotGroup group) {
  const Slots& s = c.slots;
  switch (group) {
    case SlotGroup::kRole: return c.role != Role::kUnknown;
    case SlotGroup::kTimeline:
      return s.known(Slot::kTimelineMonths) || (c.bot == Bot::kLead && s.flag(Slot::kBrowsing).value_or(false));
    case SlotGroup::kBudget:
      return s.known(Slot::kBudgetMax) || s.known(Slot::kBudgetMin) || s.known(Slot::kPreapprovalAmount);
    case SlotGroup::kFinancing: return s.known(Slot::kFinancingStatus);
    case SlotGroup::kArea: return s.non_empty(Slot::kAreas) || s.non_empty(Slot::kZips);
    case SlotGroup::kProperty: return s.known(Slot::kPropertyType) || s.known(Slot::kBedsMin);
    case SlotGroup::kMotivation: return s.known(Slot::kMotivation);
    case SlotGroup::kCondition: return s.known(Slot::kPropertyCondition);
    case SlotGroup::kPrice: return s.known(Slot::kPriceExpectation);
    case SlotGroup::kAddress: return s.known(Slot::kPropertyAddress);
    case SlotGroup::kListed: return s.known(Slot::kListed);
  }
  return false;
}

// §7: the order the bot asks in, for the conversation's role and experiment variant.
std::vector<SlotGroup> question_order(const Conversation& c) {
  using enum SlotGroup;
  if (c.role == Role::kUnknown) return {kRole};
  const std::vector<SlotGroup> seller = {kMotivation, kTimeline, kCondition, kPrice, kAddress, kListed};
  std::vector<SlotGroup> buyer;
  if (c.slots.flag(Slot::kBrowsing).value_or(false)) buyer = {kArea, kProperty};
  else if (c.variants.question_order == "ask_immediately") buyer = {kBudget, kTimeline, kFinancing, kArea, kProperty, kMotivation};
  else if (c.variants.question_order == "ask_after_rapport") buyer = {kArea, kProperty, kBudget, kTimeline, kFinancing, kMotivation};
  else buyer = {kTimeline, kBudget, kFinancing, kArea, kProperty, kMotivation};
  if (c.role == Role::kSeller) return seller;
  if (c.role == Role::kBuyer) return buyer;
  // Both: the selling questions first (the purchase depends on the sale), then the buying ones
  // the seller's answers have not covered (timeline and motivation are shared).
  std::vector<SlotGroup> both = seller;
  for (SlotGroup group : buyer)
    if (group != kTimeline && group != kMotivation) both.push_back(group);
  return both;
}

std::string question_key(SlotGroup group, bool seller_phase, bool push) {
  using enum SlotGroup;
  switch (group) {
    case kRole: return push ? "push_role" : "ask_role";
    case kTimeline: return seller_phase ? (push ? "push_seller_timeline" : "ask_seller_timeline") : (push ? "push_timeline" : "ask_timeline");
    case kBudget: return push ? "push_budget" : "ask_budget";
    case kFinancing: return "ask_financing";
    case kArea: return "ask_area";
    case kProperty: return "ask_property";
    case kMotivation: return seller_phase ? "ask_seller_motivation" : "ask_motivation";
    case kCondition: return push ? "push_condition" : "ask_condition";
    case kPrice: return push ? "push_price" : "ask_price";
    case kAddress: return "ask_address";
    case kListed: return "ask_listed";
  }
  return "ask_role";
}

bool has_push(SlotGroup group) {
  return group == SlotGroup::kRole || group == SlotGroup::kTimeline || group == SlotGroup::kBudget ||
         group == SlotGroup::kCondition || group == SlotGroup::kPrice;
}

bool seller_phase(const Conversation& c, SlotGroup group) {
  if (c.role == Role::kSeller) return true;
  if (c.role != Role::kBoth) return false;
  if (is_seller_group(group)) return true;
  return group == SlotGroup::kTimeline || group == SlotGroup::kMotivation;  // asked in the selling phase
}

struct Question {
  SlotGroup group;
  std::string key;
};

// §7.3: skip what is known; a group is asked once, and pushed once more when the answer to it
// was vague; never the same words twice in a row.
std::optional<Question> choose_question(const Conversation& c, bool vague_answer) {
  if (c.pending && !filled(c, *c.pending) && vague_answer && c.asks[static_cast<size_t>(*c.pending)] == 1 &&
      has_push(*c.pending))
    return Question{*c.pending, question_key(*c.pending, seller_phase(c, *c.pending), true)};
  for (SlotGroup group : question_order(c)) {
    if (filled(c, group)) continue;
    const int asked = c.asks[static_cast<size_t>(group)];
    if (asked == 0) return Question{group, question_key(group, seller_phase(c, group), false)};
    if (group == SlotGroup::kRole && asked == 1 && c.pending != SlotGroup::kRole)
      return Question{group, "push_role"};
  }
  // Second pass: a group asked once and left unanswered is asked once more, never right after
  // itself, in its sharper words where there are some.
  for (SlotGroup group : question_order(c))
    if (!filled(c, group) && c.asks[static_cast<size_t>(group)] == 1 && c.pending != group)
      return Question{group, question_key(group, seller_phase(c, group), has_push(group))};
  return std::nullopt;
}

std::string short_money(double dollars, std::string_view language) {
  char buffer[32];
  if (language == "es") {
    if (dollars >= 1e6) std::snprintf(buffer, sizeof buffer, "%g millones", dollars / 1e6);
    else std::snprintf(buffer, sizeof buffer, "%g mil", std::round(dollars / 1e3));
  } else if (dollars >= 1e6) {
    std::snprintf(buffer, sizeof buffer, "%gM", std::round(dollars / 1e4) / 100);
  } else {
    std::snprintf(buffer, sizeof buffer, "%gk", std::round(dollars / 1e3));
  }
  return buffer;
}

// §13 {ack}: at most five words about what the lead just gave; empty when nothing is new.
std::string acknowledgement(const std::vector<SlotChange>& changes, std::string_view language) {
  if (changes.empty()) return "";
  const std::string got = language == "es" ? "Perfecto" : "Got it";
  for (const SlotChange& change : changes) {
    const double* value = std::get_if<double>(&change.after);
    if (!value) continue;
    if (change.slot == Slot::kPreapprovalAmount)
      return got + ", " + short_money(*value, language) + (language == "es" ? " preaprobado." : " pre-approved.");
    if (change.slot == Slot::kBudgetMax || change.slot == Slot::kPriceExpectation || change.slot == Slot::kBudgetMin)
      return got + ", " + short_money(*value, language) + ".";
  }
  return got + ".";
}

std::string buying_or_selling(Role role, std::string_view language, bool infinitive) {
  if (language == "es") {
    if (role == Role::kSeller) return "vender";
    if (role == Role::kBoth) return "vender y comprar";
    return "comprar";
  }
  if (role == Role::kSeller) return infinitive ? "sell" : "selling";
  if (role == Role::kBoth) return infinitive ? "sell and buy" : "selling and buying";
  return infinitive ? "buy" : "buying";
}

struct Renderer {
  const Conversation& c;
  const LeadFacts& facts;
  const EngineConfig& config;

  std::optional<Reply> make(const std::string& key, std::vector<std::pair<std::string, std::string>> variables) const {
    const Template* found = find_template(key, c.language, c.variants.level);
    if (!found) return std::nullopt;
    variables.emplace_back("team", config.team);
    variables.emplace_back("team_phone", config.team_phone);
    Variables view;
    for (const auto& [name, value] : variables) view.emplace_back(name, value);
    Reply reply;
    reply.template_key = key;
    reply.variables = std::move(variables);
    reply.text = render(found->text, view);
    // §12: every text passes the persona checks; a template that cannot be sent as filled in
    // is not sent (a human is told instead).
    if (!persona_violations(reply.text, persona_check(key)).empty()) return std::nullopt;
    return reply;
  }

  PersonaCheck persona_check(const std::string& key) const {
    PersonaCheck check;
    check.language = c.language == "es" ? "es" : "en";
    check.greeting = key.rfind("greeting", 0) == 0;
    check.fair_housing_redirect = key == "fair_housing_redirect";
    return check;
  }

  std::string question_text(const Question& question) const {
    const Template* found = find_template(question.key, c.language, c.variants.level);
    return found ? render(found->text, {}) : std::string();
  }
};

// §14 response speed, then §10.3 quiet hours (experiment delays first, quiet hours last).
void schedule(Reply& reply, const Conversation& c, const Inbound& inbound, const LeadFacts& facts) {
  if (reply.immediate) {
    reply.send_at = inbound.at;
    return;
  }
  std::chrono::seconds delay{0};
  const uint64_t hash = fnv1a(c.contact_id, inbound.id);
  if (c.variants.response_speed == "human_like") delay = std::chrono::seconds(5 + hash % 11);
  else if (c.variants.response_speed == "delayed") delay = std::chrono::seconds(30 + hash % 31);
  const SystemTime wanted = inbound.at + delay;
  const auto allowed = next_allowed_send(wanted, facts.zones.empty() ? kDefaultZones : facts.zones, MessageKind::kReply);
  reply.send_at = allowed.value_or(wanted);
  reply.held = !allowed || *allowed != wanted;
}

bool same_value(const SlotValue& a, const SlotValue& b) { return a == b; }

}  // namespace

std::string_view bot_name(Bot bot) { return kBotNames[static_cast<size_t>(bot)]; }
std::optional<Bot> parse_bot(std::string_view name) {
  if (name == "lead" || name == "buyer") return Bot::kLead;
  if (name == "seller") return Bot::kSeller;
  return std::nullopt;
}
std::string_view state_name(State state) { return kStateNames[static_cast<size_t>(state)]; }
std::optional<State> parse_state(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i)
    if (kStateNames[i] == name) return static_cast<State>(i);
  return std::nullopt;
}

Variants assign_variants(std::string_view contact_id) {
  Variants variants;
  auto third = [&](std::string_view experiment) { return fnv1a(contact_id, experiment) % 100 * 3 / 100; };
  variants.greeting = std::array<std::string, 3>{"v1", "v2", "v3"}[third("greeting_phrase")];
  variants.question_order =
      std::array<std::string, 3>{"ask_immediately", "ask_after_timeline", "ask_after_rapport"}[third("budget_question_timing")];
  variants.response_speed = std::array<std::string, 3>{"instant", "human_like", "delayed"}[third("response_speed")];
  variants.level = static_cast<Level>(third("confrontation_level"));
  return variants;
}

Conversation start_conversation(std::string contact_id, Role role_hint) {
  Conversation c;
  c.contact_id = std::move(contact_id);
  c.role = role_hint;
  c.role_from_hint = role_hint != Role::kUnknown;
  c.bot = role_hint == Role::kSeller || role_hint == Role::kBoth ? Bot::kSeller : Bot::kLead;
  return c;
}

std::optional<std::pair<SlotGroup, std::string>> next_question(const Conversation& c, const EngineConfig& config) {
  const auto question = choose_question(c, false);
  if (!question) return std::nullopt;
  LeadFacts facts;
  return std::make_pair(question->group, Renderer{c, facts, config}.question_text(*question));
}

std::optional<Reply> follow_up(const Conversation& c, const LeadFacts& facts, const EngineConfig& config, int n) {
  if (c.state == State::kHandedOff || c.state == State::kClosed || c.state == State::kOptedOut) return std::nullopt;
  const Renderer renderer{c, facts, config};
  const bool asking = c.state == State::kNew || c.state == State::kAwaitingRole || c.state == State::kQualifying;
  if (asking && n % 2 == 0)
    if (const auto question = choose_question(c, false)) return renderer.make(question->key, {});
  const auto months = c.slots.number(Slot::kTimelineMonths);
  const auto& timeline = c.slots[Slot::kTimelineMonths];
  if (c.role == Role::kUnknown || !months || !timeline) return renderer.make("nurture_checkin_open", {});
  // The month they named, as a word: "June", "junio".
  static constexpr std::array<std::string_view, 12> kEn = {"January", "February", "March",     "April",   "May",      "June",
                                                           "July",    "August",   "September", "October", "November", "December"};
  static constexpr std::array<std::string_view, 12> kEs = {"enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
                                                           "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};
  const int64_t day = to_unix_millis(timeline->provenance.at) / 86'400'000 + static_cast<int64_t>(*months * 30.4);
  const std::string date = format_iso8601(from_unix_millis(day * 86'400'000));
  const int month = std::stoi(date.substr(5, 2)) - 1;
  return renderer.make("nurture_checkin", {{"buy_or_sell", buying_or_selling(c.role, c.language, true)},
                                           {"timeline_text", std::string(c.language == "es" ? kEs[month] : kEn[month])}});
}

void resume_conversation(Conversation& c) {
  if (c.state == State::kHandedOff || c.state == State::kClosed)
    c.state = c.role == Role::kUnknown ? State::kAwaitingRole : State::kQualifying;
  c.pending.reset();
  c.off_topic_in_row = c.turns_without_facts = 0;
  c.asked_call_time = false;
}

Reply first_touch(Conversation& c, const LeadFacts& facts, const EngineConfig& config, SystemTime now) {
  const Renderer renderer{c, facts, config};
  const auto question = choose_question(c, false);
  std::string key = "greeting_" + c.variants.greeting;
  std::vector<std::pair<std::string, std::string>> variables;
  if (question && c.variants.greeting == "v1") variables.emplace_back("question", renderer.question_text(*question));
  std::optional<Reply> reply = renderer.make(key, variables);
  if (!reply) reply = renderer.make("ask_role", {});
  if (question && c.variants.greeting == "v1") {
    c.pending = question->group;
    ++c.asks[static_cast<size_t>(question->group)];
  }
  c.state = c.role == Role::kUnknown ? State::kAwaitingRole : State::kQualifying;
  const auto allowed = next_allowed_send(now, facts.zones.empty() ? kDefaultZones : facts.zones, MessageKind::kInitiated);
  reply->send_at = allowed.value_or(now);
  reply->held = !allowed || *allowed != now;
  c.last_automated_at = reply->send_at;
  return *reply;
}

Turn take_turn(const Conversation& before, const Inbound& inbound, const LeadFacts& facts, const EngineConfig& config) {
  Turn turn;
  turn.conversation = before;
  Conversation& c = turn.conversation;
  if (!inbound.id.empty()) {
    if (std::find(c.seen_messages.begin(), c.seen_messages.end(), inbound.id) != c.seen_messages.end()) {
      turn.repeated = true;
      turn.temperature = c.temperature;
      return turn;
    }
    c.seen_messages.push_back(inbound.id);
    if (c.seen_messages.size() > 20) c.seen_messages.erase(c.seen_messages.begin());
  }
  ++c.inbound_count;
  const Renderer renderer{c, facts, config};
  const std::string& zone = facts.zones.empty() ? kDefaultZones.front() : facts.zones.front();

  ExtractContext context;
  context.role = c.role;
  context.role_is_hint = c.role_from_hint;
  context.pending = c.pending;
  context.opted_out = c.state == State::kOptedOut;
  context.local_now = local_wall_time(inbound.at, zone);
  Extraction x = extract(inbound.text, context);
  turn.intent = x.intent;
  turn.opt_out = x.intent == Intent::kOptOut;
  turn.language = x.language;
  // A short "ok" or "485" says nothing about the language; the conversation keeps its own.
  if (x.language == "es" || FoldedText(inbound.text).size() >= 3) c.language = x.language;
  auto finish = [&]() -> Turn {
    SignalInputs inputs{c.slots, c.role, c.intent_zeroed || c.recent_intents.empty()
                                             ? 0.0
                                             : *std::max_element(c.recent_intents.begin(), c.recent_intents.end()),
                        config.market_floor, facts.valuation, c.state == State::kOptedOut, c.terminal_intent};
    turn.signals = signals_of(inputs);
    turn.score = score_of(turn.signals);
    turn.temperature = temperature_of(inputs);
    turn.cooled = before.temperature == Temperature::kHot && turn.temperature != Temperature::kHot;
    c.temperature = turn.temperature;
    if (turn.reply) {
      schedule(*turn.reply, c, inbound, facts);
      if (!turn.reply->immediate) c.last_automated_at = turn.reply->send_at;
    }
    return std::move(turn);
  };
  // §11 cap: model calls per lead per UTC day.
  auto may_call_llm = [&] {
    if (!config.llm) return false;
    const int64_t day = to_unix_millis(inbound.at) / 86'400'000;
    if (c.llm_day != day) {
      c.llm_day = day;
      c.llm_calls = 0;
    }
    if (c.llm_calls >= config.llm_calls_per_day) return false;
    ++c.llm_calls;
    ++turn.llm_calls;
    return true;
  };
  auto reply_with = [&](const std::string& key, std::vector<std::pair<std::string, std::string>> variables = {}) {
    turn.reply = renderer.make(key, std::move(variables));
    if (!turn.reply) {
      turn.task = "write to the lead: the " + key + " text did not pass the persona checks";
      return;
    }
    // §11 phrasing: the model may say the template in its own words; what fails a check is
    // dropped and the template goes out.
    if (may_phrase(key) && may_call_llm()) {
      const auto answer =
          config.llm->complete(phrasing_request(key, turn.reply->text, without_contact_details(inbound.text), c.language,
                                                facts.first_name));
      std::string why;
      if (answer) {
        if (auto phrased = checked_phrasing(*answer, turn.reply->text, renderer.persona_check(key), &why)) {
          turn.reply->text = std::move(*phrased);
          turn.reply->writer = "llm";
        } else {
          turn.llm_rejected.push_back("phrasing: " + why);
        }
      }
    }
  };
  auto hand_off = [&](const std::string& reason, const std::string& key,
                      std::vector<std::pair<std::string, std::string>> variables = {}) {
    turn.handoff = reason;
    c.state = State::kHandedOff;
    c.pending.reset();
    turn.tags.push_back(reason == "hot" ? "hot-lead" : "needs-human");
    c.asked_call_time = key == "handoff_hot" || key == "handoff_human";
    if (!key.empty()) reply_with(key, std::move(variables));
  };

  // 2. Compliance keywords (§10.1, §10.2).
  if (x.intent == Intent::kOptOut) {
    c.intent_zeroed = true;
    c.recent_intents.clear();
    if (c.state != State::kOptedOut) {  // a second STOP gets no second confirmation
      c.state = State::kOptedOut;
      c.pending.reset();
      turn.tags.push_back("opted-out");
      reply_with("stop_confirm");
      if (turn.reply) turn.reply->immediate = true;
    }
    return finish();
  }
  if (x.intent == Intent::kOptIn) {
    c.state = State::kNurture;
    reply_with("start_confirm");
    if (turn.reply) turn.reply->immediate = true;
    c.pending = SlotGroup::kRole;
    return finish();
  }
  if (x.intent == Intent::kHelp) {
    reply_with("help");
    if (turn.reply) turn.reply->immediate = true;
    return finish();
  }
  if (c.state == State::kOptedOut) return finish();  // nothing but START re-subscribes
  // 3. Suppression: a human owns the thread, or the conversation was closed.
  if (c.state == State::kHandedOff) return finish();
  if (c.state == State::kClosed && x.intent != Intent::kBuy && x.intent != Intent::kSell && x.intent != Intent::kBoth)
    return finish();

  // 4. Extraction assist (§11), when the rules read little: validated values only, rules win,
  // and an opt-out the model sees but the rules did not sends nothing and asks a human.
  std::vector<std::pair<Slot, SlotValue>> assisted;
  if ((x.values.empty() || x.intent == Intent::kUnknown) && may_call_llm()) {
    if (const auto answer = config.llm->complete(extraction_request(without_contact_details(inbound.text), c.pending, c.slots))) {
      LlmExtraction assist = read_extraction(*answer, inbound.text, x);
      turn.llm_rejected = std::move(assist.rejected);
      if (assist.possible_opt_out) {
        hand_off("possible_opt_out", "");
        return finish();
      }
      assisted = std::move(assist.values);
      if (assist.intent) {
        x.intent = *assist.intent;
        turn.intent = x.intent;
        if (x.role == Role::kUnknown && x.intent == Intent::kBuy) x.role = Role::kBuyer;
        if (x.role == Role::kUnknown && x.intent == Intent::kSell) x.role = Role::kSeller;
        if (x.role == Role::kUnknown && x.intent == Intent::kBoth) x.role = Role::kBoth;
      }
    }
  }

  // 5. Merge what the message states (§3.4): newer explicit values replace older ones.
  auto merge = [&](const std::vector<std::pair<Slot, SlotValue>>& values, const Provenance& provenance) {
    for (const auto& [slot, value] : values) {
      const auto& existing = c.slots[slot];
      SlotValue merged = value;
      if ((slot == Slot::kAreas || slot == Slot::kZips) && existing) {
        auto all = std::get<std::vector<std::string>>(existing->value);
        for (const auto& item : std::get<std::vector<std::string>>(value)) all.push_back(item);
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        merged = all;
      }
      if (existing && same_value(existing->value, merged)) continue;
      turn.changes.push_back({slot, existing ? std::optional<SlotValue>(existing->value) : std::nullopt, merged});
      c.slots.set(slot, merged, provenance);
    }
  };
  const Provenance provenance{inbound.id, "rules", inbound.at};
  merge(x.values, provenance);
  merge(assisted, Provenance{inbound.id, "llm", inbound.at});
  // A budget range stated again as one figure leaves no stale minimum above the new maximum.
  if (const auto max = c.slots.number(Slot::kBudgetMax), min = c.slots.number(Slot::kBudgetMin); max && min && *min > *max)
    c.slots.clear(Slot::kBudgetMin);
  // Role is sticky and only ever widens to both; a Lead Bot conversation that sells moves to
  // the Seller Bot with its slots.
  if (x.role != Role::kUnknown && x.role != c.role) {
    if (c.role == Role::kUnknown || c.role_from_hint || x.role == Role::kBoth) c.role = x.role;
    else if (c.role != x.role) c.role = Role::kBoth;
    c.role_from_hint = false;
  } else if (x.role != Role::kUnknown) {
    c.role_from_hint = false;
  }
  if (c.role == Role::kSeller || c.role == Role::kBoth) c.bot = Bot::kSeller;
  if (c.role == Role::kBoth && !c.slots.known(Slot::kNeedsToSellFirst) && c.bot == Bot::kSeller &&
      before.role == Role::kBuyer)
    c.slots.set(Slot::kNeedsToSellFirst, true, provenance);

  // §8.4 message intent over the last five inbound messages.
  const bool transacting = x.intent == Intent::kBuy || x.intent == Intent::kSell || x.intent == Intent::kBoth;
  if (x.intent == Intent::kNotInterested || x.intent == Intent::kWrongNumber) {
    c.intent_zeroed = true;
    c.recent_intents.clear();
  } else if (transacting || !c.intent_zeroed) {
    if (transacting) c.intent_zeroed = false;
    c.recent_intents.push_back(message_intent_value(x.intent, c.slots.flag(Slot::kBrowsing).value_or(false),
                                                    x.concrete_action, !turn.changes.empty()));
    if (c.recent_intents.size() > 5) c.recent_intents.erase(c.recent_intents.begin());
  }
  if (x.intent == Intent::kNotInterested || x.intent == Intent::kWrongNumber || x.intent == Intent::kRent)
    c.terminal_intent = x.intent;
  else if (transacting)
    c.terminal_intent.reset();
  if (c.state == State::kClosed || c.state == State::kNew) c.state = c.role == Role::kUnknown ? State::kAwaitingRole : State::kQualifying;
  if (c.state == State::kNurture && !turn.changes.empty()) c.state = State::kQualifying;
  if (c.state == State::kAwaitingRole && c.role != Role::kUnknown) c.state = State::kQualifying;

  // Off-topic tracking (§9.1 off_topic): a second off-topic message in a row, or three turns
  // in a row with nothing extracted.
  c.off_topic_in_row = (x.intent == Intent::kUnknown && turn.changes.empty() && !x.small_talk && !x.vague)
                           ? c.off_topic_in_row + 1 : 0;
  const bool extracted = !turn.changes.empty();
  c.turns_without_facts = extracted || x.vague || x.intent == Intent::kQuestion ? 0 : c.turns_without_facts + 1;

  // 6. Safety: a human takes over.
  if (x.fair_housing) { hand_off("fair_housing", "fair_housing_redirect"); return finish(); }
  if (x.angry) { hand_off("angry", "handoff_angry"); return finish(); }
  if (x.legal) { hand_off("legal", "handoff_legal"); return finish(); }
  if (x.fees) { hand_off("fees", "handoff_fees"); return finish(); }
  if (x.showing_request) { hand_off("showing_request", "handoff_showing"); return finish(); }
  if (x.intent == Intent::kHumanRequest) { hand_off("human_request", "handoff_human"); return finish(); }

  // 8. Terminal intents close the conversation (§9.3).
  auto close_with = [&](const std::string& key) {
    c.state = State::kClosed;
    c.pending.reset();
    reply_with(key);
    return finish();
  };
  if (x.intent == Intent::kWrongNumber) return close_with("close_wrong_number");
  if (x.intent == Intent::kNotInterested) return close_with("close_not_interested");
  if (x.intent == Intent::kRent) return close_with("close_rent");
  const bool other_agent = (x.states(Slot::kWorkingWithAgent) && c.slots.flag(Slot::kWorkingWithAgent).value_or(false) &&
                            c.role != Role::kSeller) ||
                           (x.states(Slot::kListedWithAgent) && c.slots.flag(Slot::kListedWithAgent).value_or(false));
  if (other_agent) return close_with("close_other_agent");

  // 7. Temperature: HOT hands off.
  {
    SignalInputs inputs{c.slots, c.role, 0, config.market_floor, facts.valuation, false, c.terminal_intent};
    if (temperature_of(inputs) == Temperature::kHot) {
      hand_off("hot", "handoff_hot", {{"name", facts.first_name}});
      return finish();
    }
  }
  // §6 awaiting_role: two turns without a role and the lead is nurtured, not pushed further.
  if (c.role == Role::kUnknown && ++c.turns_without_role > 2) {
    c.state = State::kNurture;
    c.pending.reset();
    return finish();
  }
  if (c.off_topic_in_row >= 2 || c.turns_without_facts >= 3) {
    hand_off("off_topic", "handoff_stuck");
    return finish();
  }

  // 8. The next question, after answering the lead's own.
  std::optional<Question> question = choose_question(c, x.vague || (!extracted && c.pending.has_value()));
  auto ask = [&](const Question& q) {
    c.pending = q.group;
    ++c.asks[static_cast<size_t>(q.group)];
  };
  if (x.bot_question) {
    reply_with("bot_disclosure");
    return finish();
  }
  if (x.identity_question) {
    reply_with("identity", {{"source_topic", facts.source_topic.empty() ? (c.language == "es" ? "una casa" : "a home")
                                                                        : facts.source_topic},
                            {"buying_or_selling", buying_or_selling(c.role, c.language, false)}});
    if (c.role == Role::kUnknown) c.pending = SlotGroup::kRole;
    return finish();
  }
  if (x.listing_question) {
    turn.task = "answer listing question" + (x.listing_address.empty() ? std::string() : ": " + x.listing_address);
    if (question) {
      ask(*question);
      reply_with("listing_task", {{"next_question", renderer.question_text(*question)}});
    }
    return finish();
  }
  if (!question) {
    c.pending.reset();
    if (c.state != State::kNurture) {
      c.state = State::kNurture;
      if (extracted) reply_with("nurture_ack", {{"ack", acknowledgement(turn.changes, c.language)}});
    }
    return finish();
  }
  if (c.slots.flag(Slot::kBrowsing).value_or(false) && question->group == SlotGroup::kArea && !c.asks[static_cast<size_t>(SlotGroup::kArea)] &&
      x.states(Slot::kBrowsing)) {
    ask(*question);
    reply_with("ask_area_browsing");
    return finish();
  }
  ask(*question);
  reply_with(question->key, {{"ack", acknowledgement(turn.changes, c.language)}});
  return finish();
}

}  // namespace jorge::bots
