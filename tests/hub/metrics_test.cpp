#include "metrics.h"

#include <catch2/catch.hpp>
#include <string>

#include "inbox/inbox_json.h"
#include "log.h"

using namespace connecthub::hub;

TEST_CASE("metrics render in the Prometheus text format", "[hub][metrics]") {
  Metrics m;
  m.Inc("connecthub_messages_total", {{"channel", "web"}, {"sender", "bot"}});
  m.Inc("connecthub_messages_total", {{"channel", "web"}, {"sender", "bot"}}, 2);
  m.Add("connecthub_connections", {{"kind", "chat"}}, 1);
  m.Observe("connecthub_ws_frame_duration_seconds", {{"type", "send"}}, 0.003);
  m.Observe("connecthub_ws_frame_duration_seconds", {{"type", "send"}}, 20);
  m.Inc("connecthub_bot_intents_total", {{"intent", "we\"ird\\\n"}});
  std::string text = m.Render();
  CHECK(text.find("# TYPE connecthub_messages_total counter\n") != std::string::npos);
  CHECK(text.find("connecthub_messages_total{channel=\"web\",sender=\"bot\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("connecthub_connections{kind=\"chat\"} 1\n") != std::string::npos);
  CHECK(text.find("connecthub_ws_frame_duration_seconds_bucket{type=\"send\",le=\"0.0025\"} 0\n") !=
        std::string::npos);
  CHECK(text.find("connecthub_ws_frame_duration_seconds_bucket{type=\"send\",le=\"0.005\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("connecthub_ws_frame_duration_seconds_bucket{type=\"send\",le=\"10\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("connecthub_ws_frame_duration_seconds_bucket{type=\"send\",le=\"+Inf\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("connecthub_ws_frame_duration_seconds_count{type=\"send\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("connecthub_bot_intents_total{intent=\"we\\\"ird\\\\\\n\"} 1\n") !=
        std::string::npos);
  // Declared families show up before first use.
  CHECK(text.find("# TYPE connecthub_queue_wait_seconds histogram\n") != std::string::npos);
  CHECK(text.find("connecthub_escalations_total 0\n") != std::string::npos);
}

TEST_CASE("typical queue wait is the median of recent waits", "[hub][metrics]") {
  Metrics m;
  CHECK(m.TypicalQueueWaitMs(900'000) == 900'000);
  m.RecordQueueWait(60'000);
  m.RecordQueueWait(600'000);
  m.RecordQueueWait(120'000);
  CHECK(m.TypicalQueueWaitMs(900'000) == 120'000);
}

TEST_CASE("wire times and money", "[hub][metrics]") {
  CHECK(IsoTime(0) == "1970-01-01T00:00:00Z");
  CHECK(IsoTime(1795972800123) == "2026-11-29T17:20:00Z");
  CHECK(inbox::CentsToDecimal(66793) == "667.93");
  CHECK(inbox::CentsToDecimal(5) == "0.05");
  CHECK(inbox::CentsToDecimal(-500) == "-5.00");
  CHECK(inbox::IsoDate(std::chrono::sys_days{std::chrono::year{2018} / 3 / 27}) == "2018-03-27");
}

TEST_CASE("county scoping", "[hub][metrics]") {
  connecthub::storage::Caseworker cw{1, "jdoe", "MADERA", false};
  connecthub::storage::ThreadRecord t;
  const std::vector<std::string> all;  // no --triage-county: every caseworker sees triage
  t.counties = {"FRESNO", "MADERA"};
  CHECK(inbox::Visible(cw, t, all));
  t.counties = {"FRESNO"};
  CHECK_FALSE(inbox::Visible(cw, t, all));
  cw.supervisor = true;
  CHECK(inbox::Visible(cw, t, all));
  t.counties = {};
  cw.supervisor = false;
  CHECK(inbox::Visible(cw, t, all));  // the triage queue
  CHECK_FALSE(inbox::Visible(cw, t, {"FRESNO", "KERN"}));
  CHECK(inbox::Visible(cw, t, {"FRESNO", "MADERA"}));
  cw.county = "";  // a caseworker without a county sees nothing, triage included
  CHECK_FALSE(inbox::Visible(cw, t, all));
}

TEST_CASE("a transferred thread is its queue county's alone", "[hub][metrics]") {
  connecthub::storage::Caseworker madera{1, "jdoe", "MADERA", false};
  connecthub::storage::Caseworker fresno{2, "asmith", "FRESNO", false};
  connecthub::storage::ThreadRecord t;
  t.counties = {"MADERA"};
  t.queue_county = "FRESNO";
  CHECK_FALSE(inbox::Visible(madera, t, {}));
  CHECK(inbox::Visible(fresno, t, {}));
  CHECK_FALSE(inbox::InTriage(t));
  t.counties = {};  // an unlinked number transferred out of triage
  CHECK_FALSE(inbox::Visible(madera, t, {"MADERA"}));
  CHECK(inbox::Visible(fresno, t, {"MADERA"}));
  t.queue_county = "";
  CHECK(inbox::InTriage(t));
}
