#include <nlohmann/json.hpp>
#include "core/text.hpp"

#include <cstdio>

#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "crm/http_client.hpp"
#include "ingest/signing.hpp"

namespace jorge::cli {
namespace {

// Invented people: 555-01xx numbers (the range kept for fiction) under Austin's other area code,
// 737, so no demo lead shares a phone with the fixtures' people (512) and is joined to them (#14);
// example.com addresses.
constexpr const char* kFirstNames[] = {"Maria", "James", "Priya", "Carlos", "Emily", "Darnell", "Sofia", "Wei",
                                       "Hannah", "Luis", "Aisha", "Tyler", "Renée", "Omar", "Grace", "Diego",
                                       "Keisha", "Noah"};
constexpr const char* kLastNames[] = {"Delgado", "Whitaker", "Raman", "Fuentes", "Brooks", "Jackson", "Nguyen",
                                      "Okafor", "Schmidt", "García", "Patel", "Morrison"};
constexpr const char* kSources[] = {"zillow", "realtor.com", "facebook form", "open house", "referral", "website"};
constexpr const char* kAreas[] = {"Mueller", "Hyde Park", "Travis Heights", "Zilker", "Cherrywood", "Crestview",
                                  "Round Rock", "Pflugerville"};
constexpr const char* kTimelines[] = {"0-3 months", "3-6 months", "6-12 months", "just browsing"};
constexpr const char* kMessages[] = {
    "Hi, is the %s listing still available? We're pre-approved up to %dk.",
    "Looking to buy in %s in the next couple months, budget around %dk. Can we see something this weekend?",
    "Thinking about selling our place in %s. What could we get for it? We paid %dk in 2019.",
    "Just browsing %s for now, maybe next year. Anything under %dk?"};

std::string demo_id(const char* prefix, int number) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%016d", prefix, number);
  return text;
}

}  // namespace

int load_demo(const DemoOptions& options) {
  auto key = ingest::PrivateKey::from_pem_file(options.private_key_file);
  if (!key.ok()) {
    std::fprintf(stderr, "jorge demo: %s: %s\n", options.private_key_file.c_str(), key.error().message.c_str());
    return 2;
  }
  crm::HttpClient client;
  SystemClock clock;
  int accepted = 0, failed = 0;
  bool unreachable = false;  // the first refused connection ends the run: one line, not one per lead
  auto post = [&](const nlohmann::json& event) {
    if (unreachable) return;
    std::string body = event.dump();
    auto signature = key->sign(body);
    if (!signature.ok()) return ++failed, void();
    auto reply = client.request("POST", options.url + "/webhooks/ghl",
                                {{"Content-Type", "application/json"},
                                 {key->is_ed25519() ? "x-ghl-signature" : "x-wh-signature", *signature}},
                                body);
    if (!reply.ok()) {
      unreachable = true;
      std::fprintf(stderr, "jorge demo: cannot reach %s (%s); is `jorge serve` running there? (--url to change)\n",
                   options.url.c_str(), reply.error().message.c_str());
      return;
    }
    if (reply->status == 200) ++accepted;
    else {
      ++failed;
      std::fprintf(stderr, "jorge demo: %s answered %s\n", event["type"].get<std::string>().c_str(),
                   reply.ok() ? std::to_string(reply->status).c_str() : reply.error().message.c_str());
    }
  };
  auto now = clock.now();
  for (int i = 0; i < options.lead_count && !unreachable; ++i) {
    std::string first = kFirstNames[i % std::size(kFirstNames)];
    std::string last = kLastNames[(i * 7) % std::size(kLastNames)];
    std::string contact_id = demo_id("demoCt", i);
    std::string area = kAreas[i % std::size(kAreas)];
    int budget_k = 325 + (i * 37) % 600;
    auto added = now - std::chrono::hours(24 * ((i * 5) % 30)) - std::chrono::minutes(i * 17);
    char phone[16];
    std::snprintf(phone, sizeof phone, "+1737555%04d", 101 + i % 99);  // 0100 is the team's own number
    std::string email = first + "." + last + std::to_string(i) + "@example.com";
    email = ascii_lower(email);
    nlohmann::json contact = {
        {"type", "ContactCreate"}, {"timestamp", format_iso8601(added)}, {"webhookId", demo_id("demoWh", i)},
        {"locationId", "demoLocation00000001"}, {"id", contact_id}, {"firstName", first}, {"lastName", last},
        {"name", first + " " + last}, {"email", email}, {"phone", phone}, {"city", "Austin"}, {"state", "TX"},
        {"country", "US"}, {"source", kSources[i % std::size(kSources)]}, {"dateAdded", format_iso8601(added)},
        {"dnd", false}, {"tags", {kSources[i % std::size(kSources)], i % 4 == 2 ? "seller" : "buyer"}},
        {"customFields", {{{"id", "budgetMax"}, {"value", budget_k * 1000}},
                          {{"id", "timeline"}, {"value", kTimelines[i % std::size(kTimelines)]}}}}};
    post(contact);
    if (i % 3 != 1) {
      char text[200];
      std::snprintf(text, sizeof text, kMessages[i % std::size(kMessages)], area.c_str(), budget_k);
      auto sent = added + std::chrono::minutes(3 + i % 40);
      post({{"type", "InboundMessage"}, {"timestamp", format_iso8601(sent)}, {"webhookId", demo_id("demoWm", i)},
            {"locationId", "demoLocation00000001"}, {"contactId", contact_id}, {"messageId", demo_id("demoMg", i)},
            {"conversationId", demo_id("demoCv", i)}, {"body", text}, {"messageType", "SMS"},
            {"direction", "inbound"}, {"from", phone}, {"to", "+17375550100"}, {"dateAdded", format_iso8601(sent)}});
    }
    if (i % 5 == 0) {
      const char* status = i % 15 == 0 ? "won" : (i % 10 == 0 ? "lost" : "open");
      auto changed = added + std::chrono::hours(30);
      post({{"type", "OpportunityStatusUpdate"}, {"timestamp", format_iso8601(changed)},
            {"webhookId", demo_id("demoWo", i)}, {"locationId", "demoLocation00000001"}, {"id", demo_id("demoOp", i)},
            {"contactId", contact_id}, {"name", first + " " + last + " - " + area}, {"pipelineId", "demoPipeline"},
            {"pipelineStageId", "demo-stage-under-contract"}, {"status", status},
            {"monetaryValue", budget_k * 1000 * 3 / 100}, {"dateAdded", format_iso8601(changed)}});
    }
  }
  // A few whole conversations: the bots answer each message (GET /api/v1/conversations/{id}
  // shows what they learnt; a buyer ends handed to a person, a seller too).
  struct Reply {
    int lead;
    const char* text;
  };
  static constexpr Reply kConversation[] = {
      {0, "we're pre-approved for 450k with our credit union"}, {0, "we need to move by june"},
      {2, "thinking of selling, we're relocating for work"},      {2, "it needs new carpet and paint"},
      {2, "hoping for 520k, want it listed within 60 days"},      {4, "just browsing for now, maybe hutto"},
  };
  int turn = 0;
  for (const Reply& reply : kConversation) {
    if (unreachable || reply.lead >= options.lead_count) continue;
    const auto sent = now - std::chrono::minutes(30) + std::chrono::minutes(3 * ++turn);
    char phone[16];
    std::snprintf(phone, sizeof phone, "+1737555%04d", 101 + reply.lead % 99);
    post({{"type", "InboundMessage"}, {"timestamp", format_iso8601(sent)}, {"webhookId", demo_id("demoWt", turn)},
          {"locationId", "demoLocation00000001"}, {"contactId", demo_id("demoCt", reply.lead)},
          {"messageId", demo_id("demoMt", turn)}, {"conversationId", demo_id("demoCv", reply.lead)}, {"body", reply.text},
          {"messageType", "SMS"}, {"direction", "inbound"}, {"from", phone}, {"to", "+17375550100"},
          {"dateAdded", format_iso8601(sent)}});
  }
  if (unreachable) return 1;
  std::printf("demo: %d deliveries accepted, %d failed\n", accepted, failed);
  std::printf("demo: the bots answer the leads' texts; see GET /api/v1/conversations/{lead id}\n");
  return failed == 0 ? 0 : 1;
}

}  // namespace jorge::cli
