#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace connecthub::hub {
namespace {

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string LabelText(const MetricLabels& labels, std::string_view extra_key = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + EscapeLabelValue(v) + "\"";
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += std::string(extra_key) + "=\"" + std::string(extra_value) + "\"";
  }
  return out + "}";
}

const std::vector<double> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1,     2.5,  5,     10};
const std::vector<double> kWaitBuckets = {30,   60,   120,  300,   600,   900,
                                          1800, 3600, 7200, 14400, 28800, 86400};

}  // namespace

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    if (method == m) return m;
  }
  return "other";
}

std::string_view DeliveryStatusLabel(std::string_view status) {
  for (std::string_view s :
       {"accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed",
        "canceled", "read", "receiving", "received", "partially_delivered"}) {
    if (status == s) return s;
  }
  return "other";
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

Metrics::Metrics() {
  Declare("connecthub_connections", Type::kGauge, "Open connections by kind (http, chat, inbox).");
  Declare("connecthub_connections_total", Type::kCounter, "Accepted connections by kind.");
  Declare("connecthub_messages_total", Type::kCounter,
          "Thread messages stored, by channel (web, sms) and sender.");
  Declare("connecthub_bot_intents_total", Type::kCounter, "Bot answers by intent.");
  Declare("connecthub_escalations_total", Type::kCounter,
          "Threads handed to the caseworker inbox, by reason (agent, misses, safety).");
  Declare("connecthub_queue_wait_seconds", Type::kHistogram,
          "Time a thread waited in the inbox before a caseworker claimed it.", kWaitBuckets);
  Declare("connecthub_http_request_duration_seconds", Type::kHistogram,
          "HTTP request handling time, by method and status class.", kLatencyBuckets);
  Declare("connecthub_ws_frame_duration_seconds", Type::kHistogram,
          "WebSocket frame handling time (receipt to the last reply frame queued), by type.",
          kLatencyBuckets);
  Declare("connecthub_logins_total", Type::kCounter, "Parent and caseworker logins by result.");
  Declare("connecthub_outbox_depth", Type::kGauge, "Outbound SMS waiting in the outbox.");
  Declare("connecthub_ws_unauthenticated_refused_total", Type::kCounter,
          "WebSocket upgrades refused (429): too many unauthenticated sockets from the address.");
  Declare("connecthub_ws_login_timeouts_total", Type::kCounter,
          "WebSockets closed (4408) for not logging in within the login deadline.");
}

void Metrics::Declare(std::string name, Type type, std::string help, std::vector<double> buckets) {
  families_[std::move(name)] = Family{type, std::move(help), std::move(buckets)};
}

Metrics::Family& Metrics::FamilyOf(std::string_view name, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_
             .emplace(std::string(name),
                      Family{type, "",
                             type == Type::kHistogram ? kLatencyBuckets : std::vector<double>{}})
             .first;
  }
  return it->second;
}

void Metrics::Inc(std::string_view name, const MetricLabels& labels, double by) {
  std::lock_guard lock(mu_);
  FamilyOf(name, Type::kCounter);
  auto& series = series_[std::string(name)];
  series[labels].value += by;
}

void Metrics::Set(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mu_);
  FamilyOf(name, Type::kGauge);
  series_[std::string(name)][labels].value = value;
}

void Metrics::Add(std::string_view name, const MetricLabels& labels, double delta) {
  std::lock_guard lock(mu_);
  FamilyOf(name, Type::kGauge);
  series_[std::string(name)][labels].value += delta;
}

void Metrics::Observe(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mu_);
  Family& family = FamilyOf(name, Type::kHistogram);
  Series& s = series_[std::string(name)][labels];
  if (s.counts.empty()) s.counts.assign(family.buckets.size() + 1, 0);
  size_t i =
      static_cast<size_t>(std::lower_bound(family.buckets.begin(), family.buckets.end(), value) -
                          family.buckets.begin());
  s.counts[i]++;
  s.sum += value;
  s.count++;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::kCounter ? "counter"
                       : family.type == Type::kGauge ? "gauge"
                                                     : "histogram";
    if (!family.help.empty()) out << "# HELP " << name << ' ' << family.help << '\n';
    out << "# TYPE " << name << ' ' << type << '\n';
    auto it = series_.find(name);
    if (it == series_.end()) {
      if (family.type != Type::kHistogram) out << name << " 0\n";
      continue;
    }
    for (const auto& [labels, s] : it->second) {
      if (family.type != Type::kHistogram) {
        out << name << LabelText(labels) << ' ' << FormatValue(s.value) << '\n';
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t b = 0; b < family.buckets.size(); ++b) {
        cumulative += s.counts[b];
        out << name << "_bucket" << LabelText(labels, "le", FormatValue(family.buckets[b])) << ' '
            << cumulative << '\n';
      }
      cumulative += s.counts.back();
      out << name << "_bucket" << LabelText(labels, "le", "+Inf") << ' ' << cumulative << '\n';
      out << name << "_sum" << LabelText(labels) << ' ' << FormatValue(s.sum) << '\n';
      out << name << "_count" << LabelText(labels) << ' ' << s.count << '\n';
    }
  }
  return out.str();
}

void Metrics::RecordQueueWait(int64_t wait_ms) {
  Observe("connecthub_queue_wait_seconds", {}, static_cast<double>(wait_ms) / 1000.0);
  std::lock_guard lock(mu_);
  recent_waits_.push_back(wait_ms);
  if (recent_waits_.size() > 50) recent_waits_.pop_front();
}

int64_t Metrics::TypicalQueueWaitMs(int64_t fallback_ms) const {
  std::lock_guard lock(mu_);
  if (recent_waits_.empty()) return fallback_ms;
  std::vector<int64_t> v(recent_waits_.begin(), recent_waits_.end());
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace connecthub::hub
