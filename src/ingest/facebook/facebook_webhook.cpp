#include "ingest/facebook/facebook_webhook.hpp"

#include <set>

#include "core/bytes.hpp"
#include "ingest/internal/json_body.hpp"
#include "ingest/signature.hpp"

namespace jorge::ingest {
namespace {

using nlohmann::json;
using internal::text_field;

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, "facebook: " + std::move(message)}; }

class FacebookAdapter final : public SourceAdapter {
 public:
  explicit FacebookAdapter(std::string app_secret) : app_secret_(std::move(app_secret)) {}
  std::string_view name() const override { return "facebook"; }
  Status verify(const WebhookRequest& request) const override {
    return verify_hmac_header("X-Hub-Signature-256", request.header("x-hub-signature-256"), app_secret_, request.body);
  }
  Result<std::vector<InboundEvent>> parse(std::string_view body) const override {
    return parse_leadgen_notification(body);
  }

 private:
  std::string app_secret_;
};

}  // namespace

Result<std::vector<InboundEvent>> parse_leadgen_notification(std::string_view body) {
  JORGE_TRY(json parsed, internal::parse_json_object("facebook", body));
  if (text_field(parsed, "object") != "page") return invalid("\"object\" must be \"page\"");
  auto entries = parsed.find("entry");
  if (entries == parsed.end() || !entries->is_array()) return invalid("\"entry\" must be an array");
  std::vector<InboundEvent> events;
  std::set<std::string> seen;
  for (const json& entry : *entries) {
    if (!entry.is_object()) return invalid("each entry must be an object");
    auto changes = entry.find("changes");
    if (changes == entry.end()) continue;
    if (!changes->is_array()) return invalid("entry.changes must be an array");
    for (const json& change : *changes) {
      if (!change.is_object()) return invalid("each change must be an object");
      if (text_field(change, "field") != "leadgen") continue;  // other page fields are not ours
      auto value = change.find("value");
      if (value == change.end() || !value->is_object()) return invalid("a leadgen change needs a \"value\" object");
      std::string leadgen_id = text_field(*value, "leadgen_id");
      if (leadgen_id.empty() || leadgen_id.size() > 64) return invalid("a leadgen change needs \"value.leadgen_id\"");
      if (!seen.insert(leadgen_id).second) continue;
      InboundEvent event;
      event.source = "facebook";
      event.event_type = "leadgen";
      event.idempotency_key = leadgen_id;
      event.job_kind = JobKind::kFetchFacebookLead;
      if (auto created = value->find("created_time"); created != value->end() && created->is_number_integer())
        if (int64_t seconds = created->get<int64_t>(); seconds > 0 && seconds < 4'102'444'800)  // before 2100
          event.occurred_at = SystemTime{} + std::chrono::seconds(seconds);
      event.origin.ad_id = text_field(*value, "ad_id");
      event.origin.adset_id = text_field(*value, "adgroup_id");
      event.origin.form_id = text_field(*value, "form_id");
      events.push_back(std::move(event));
    }
  }
  return events;
}

std::optional<std::string> verification_challenge(std::string_view mode, std::string_view token,
                                                  std::string_view challenge, std::string_view verify_token) {
  if (mode != "subscribe" || challenge.empty() || challenge.size() > 256 || verify_token.empty()) return std::nullopt;
  if (!constant_time_equal(token, verify_token)) return std::nullopt;
  return std::string(challenge);
}

std::unique_ptr<SourceAdapter> make_facebook_adapter(std::string app_secret) {
  return std::make_unique<FacebookAdapter>(std::move(app_secret));
}

}  // namespace jorge::ingest
