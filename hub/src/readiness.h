#pragma once

#include <cstdint>

#include "clock.h"
#include "http/router.h"
#include "storage/operations.h"
#include "storage/outbox.h"

namespace connecthub::hub {

struct ReadinessOptions {
  bool sms_enabled = false;                 // the SMS provider is configured
  int64_t outbox_max_age_ms = 15 * 60'000;  // an older unsent item fails the outbox check. 15 min.
};

// GET /readyz (hub/API.md): the database, the outbox and the SMS provider as separate checks;
// 503 when one fails. /healthz stays the liveness check. Everything referenced must outlive the
// router.
void RegisterReadiness(http::Router& router, storage::Operations& ops,
                       storage::Outbox& outbox_store, Clock clock, ReadinessOptions options);

}  // namespace connecthub::hub
