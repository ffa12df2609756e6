#pragma once
// What an inbound text asks of us about texting itself (specs/integrations.md §8.1): stop,
// help, or start again. The whole message is read, so "can we stop by at 5?" is no opt-out.
#include <string_view>

namespace jorge::bots {

enum class InboundKeyword { kNone, kOptOut, kHelp, kOptIn };

InboundKeyword classify_inbound(std::string_view body);

}  // namespace jorge::bots
