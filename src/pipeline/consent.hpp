#pragma once
// What an inbound text says about consent, for the store's ingest transaction: the one place
// bots::classify_inbound meets the store (#15). Consent is decided as each message is stored,
// never later by a job reading only the newest message.
#include "store/store.hpp"

namespace jorge::pipeline {

store::ConsentClassifier consent_classifier();

}  // namespace jorge::pipeline
