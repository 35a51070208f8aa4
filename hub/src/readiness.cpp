#include "readiness.h"

#include <boost/json.hpp>

#include "log.h"

namespace connecthub::hub {

void RegisterReadiness(http::Router& router, storage::Operations& ops,
                       storage::Outbox& outbox_store, Clock clock, ReadinessOptions options) {
  router.Add(
      "GET", "/readyz",
      [&ops, &outbox_store, clock = std::move(clock), options](const http::HttpRequest&,
                                                               const http::PathParams&) {
        int64_t now = clock();
        boost::json::object checks;
        bool ready = true;
        auto fail = [&](boost::json::object& check) {
          check["status"] = "fail";
          ready = false;
        };
        boost::json::object db{{"status", "ok"}};
        if (!ops.CheckWritable().ok()) fail(db);
        checks["database"] = db;

        boost::json::object outbox{{"status", "ok"}};
        boost::json::object sms{{"status", options.sms_enabled ? "ok" : "disabled"}};
        auto health = outbox_store.GetOutboxHealth();
        if (!health.ok()) {
          fail(outbox);
          if (options.sms_enabled) fail(sms);
        } else {
          int64_t age = health->oldest_pending_ms > 0
                            ? std::max<int64_t>(0, now - health->oldest_pending_ms)
                            : 0;
          outbox["oldest_pending_age_seconds"] = age / 1000;
          outbox["max_age_seconds"] = options.outbox_max_age_ms / 1000;
          if (age > options.outbox_max_age_ms) fail(outbox);
          if (options.sms_enabled) {
            auto at = [](int64_t ms) -> boost::json::value {
              if (ms == 0) return nullptr;
              return boost::json::value(IsoTime(ms));
            };
            sms["last_success"] = at(health->last_success_ms);
            sms["last_failure"] = at(health->last_failure_ms);
            // Failing while the provider's latest answer is a failure.
            if (health->last_failure_ms > health->last_success_ms) fail(sms);
          }
        }
        checks["outbox"] = outbox;
        checks["sms_provider"] = sms;
        boost::json::object body{{"status", ready ? "ok" : "unavailable"}, {"checks", checks}};
        if (!ready) Log(LogLevel::kWarn, "not_ready");
        return http::JsonResponse(ready ? 200 : 503, boost::json::serialize(body));
      });
}

}  // namespace connecthub::hub
