#include "pipeline/consent.hpp"

#include "bots/compliance/opt_out.hpp"

namespace jorge::pipeline {

store::ConsentClassifier consent_classifier() {
  return [](std::string_view body) {
    switch (bots::classify_inbound(body)) {
      case bots::InboundKeyword::kOptOut: return store::ConsentKeyword::kOptOut;
      case bots::InboundKeyword::kOptIn: return store::ConsentKeyword::kOptIn;
      case bots::InboundKeyword::kHelp: return store::ConsentKeyword::kHelp;
      case bots::InboundKeyword::kNone: break;
    }
    return store::ConsentKeyword::kNone;
  };
}

}  // namespace jorge::pipeline
