#pragma once
// How the bots may use a language model (bots.md §11): extraction assist and phrasing, never
// decisions. The engine asks through LlmBackend (the Claude client is wired in by cli); what
// comes back is data to validate, and anything that fails validation is dropped so the rules
// and templates answer instead. With no backend, or when it fails, nothing changes.
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bots/extract.hpp"
#include "bots/persona.hpp"
#include "bots/slots.hpp"

namespace jorge::bots {

struct LlmRequest {
  std::string purpose;  // "extract" or "phrase:<template key>": the cache key's first half
  std::string system;   // instructions; the lead's message goes in `user`, marked as data
  std::string user;
  int max_tokens = 300;
};

// A model that completes one request. Nothing when it fails, times out, is cut off or refuses:
// the caller then goes on with rules and templates.
class LlmBackend {
 public:
  virtual ~LlmBackend() = default;
  virtual std::optional<std::string> complete(const LlmRequest& request) = 0;
};

// §11 "calls are cached by (action, message hash)": the same request within the cache's
// capacity is answered once (failures are not cached). Safe from several threads.
class CachedLlm : public LlmBackend {
 public:
  CachedLlm(LlmBackend& inner, size_t capacity = 4096) : inner_(inner), capacity_(capacity) {}
  std::optional<std::string> complete(const LlmRequest& request) override;

 private:
  LlmBackend& inner_;
  size_t capacity_;
  std::mutex mutex_;
  std::list<std::pair<uint64_t, std::string>> recent_;  // most recent first
  std::unordered_map<uint64_t, std::list<std::pair<uint64_t, std::string>>::iterator> index_;
};

// The text with e-mail addresses and phone numbers replaced ("[email]", "[phone]"): a model
// never sees them (§11).
std::string without_contact_details(std::string_view text);

// --- extraction assist ---------------------------------------------------------------------

// The request for one message: the pending question and the slots known so far (no phone, no
// e-mail, no name), and the JSON shape to answer in.
LlmRequest extraction_request(std::string_view message, std::optional<SlotGroup> pending, const Slots& known);

struct LlmExtraction {
  std::vector<std::pair<Slot, SlotValue>> values;  // validated; slots the rules stated are left out
  std::optional<Intent> intent;                    // only when the rules read none
  bool possible_opt_out = false;                   // the model reads an opt-out the rules did not
  std::vector<std::string> rejected;               // "budget_max: 900000 is not in the message", for logs and tests
};

// Reads and validates the model's answer against the message and what the rules found: types
// and enums of §3, every number present in the message (digits or words), areas in the
// gazetteer, intent only filling "unknown", rules winning on conflict. An answer that is not
// the JSON asked for yields nothing.
LlmExtraction read_extraction(std::string_view answer, std::string_view message, const Extraction& rules);

// --- phrasing --------------------------------------------------------------------------------

// The request to say `template_text` (already filled in) in Jorge's voice, replying to
// `last_message`; `first_name` at most of the lead.
LlmRequest phrasing_request(std::string_view template_key, std::string_view template_text, std::string_view last_message,
                            std::string_view language, std::string_view first_name);

// The phrasing when it may be sent instead of the template: one SMS that passes every persona
// check of §12 and the fair-housing filter, and names no number, name, address or date that
// the template text does not. Otherwise nothing (and `why` says what failed).
std::optional<std::string> checked_phrasing(std::string_view answer, std::string_view template_text,
                                            const PersonaCheck& check, std::string* why = nullptr);

// Whether a template may be phrased by a model at all: compliance texts (STOP, START, HELP)
// and the fair-housing redirect are always the template's own words.
bool may_phrase(std::string_view template_key);

}  // namespace jorge::bots
