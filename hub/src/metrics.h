#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connecthub::hub {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// The hub's Prometheus metrics: counters, gauges and histograms keyed by name and labels, rendered
// in the Prometheus text exposition format (version 0.0.4) for GET /metrics. Also remembers
// recent caseworker queue waits to tell waiting parents how long an answer usually takes.
// Thread-safe.
class Metrics {
 public:
  Metrics();

  void Inc(std::string_view name, const MetricLabels& labels = {}, double by = 1);
  void Set(std::string_view name, const MetricLabels& labels, double value);
  void Add(std::string_view name, const MetricLabels& labels, double delta);      // gauges
  void Observe(std::string_view name, const MetricLabels& labels, double value);  // histograms

  // The exposition text. Families declared in the constructor appear even before first use.
  std::string Render() const;

  // A queue wait (waiting → claimed), in milliseconds: observed in the histogram and kept for
  // TypicalQueueWaitMs().
  void RecordQueueWait(int64_t wait_ms);
  // Median of the last 50 queue waits, or `fallback_ms` when none was recorded yet.
  int64_t TypicalQueueWaitMs(int64_t fallback_ms) const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> buckets;  // histograms: upper bounds, ascending
  };
  struct Series {
    double value = 0;              // counter / gauge
    std::vector<uint64_t> counts;  // histogram: per bucket (non-cumulative), then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  void Declare(std::string name, Type type, std::string help, std::vector<double> buckets = {});
  Family& FamilyOf(std::string_view name, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::map<std::string, std::map<MetricLabels, Series>, std::less<>> series_;
  std::deque<int64_t> recent_waits_;
};

// Label values come from fixed sets only, so no request can add series: an HTTP method outside
// GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH is "other"; so is a provider delivery status
// outside Twilio's documented ones.
std::string_view MethodLabel(std::string_view method);
std::string_view DeliveryStatusLabel(std::string_view status);

// Escapes a label value for the exposition format (backslash, quote, newline).
std::string EscapeLabelValue(std::string_view value);

}  // namespace connecthub::hub
