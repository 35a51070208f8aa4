#include "ws_fleet.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <random>

namespace connecthub::bench {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// Questions the bot answers from the participant's case data without ever escalating: the full
// path (classify, facts from the database, a locale-formatted answer). English and Spanish.
constexpr const char* kTexts[] = {
    "what is my balance",
    "cuanto debo",
    "when is my next appointment",
    "cuando es mi proxima cita",
    "when was my last payment",
    "cual fue mi ultimo pago",
    "what is the status of my case",
    "como puedo pagar",
};
constexpr size_t kTextCount = sizeof kTexts / sizeof kTexts[0];
constexpr size_t kMaxOutstanding = 1000;  // per client in paced mode: beyond this, skip a send

// The raw value of `"key":` in a frame the hub wrote (Boost.JSON output: no spaces). Strings come
// back without quotes and unescaped only as far as needed here (ids, codes, tokens).
std::string_view Field(std::string_view frame, std::string_view quoted_key_colon) {
  size_t at = frame.find(quoted_key_colon);
  if (at == std::string_view::npos) return {};
  std::string_view rest = frame.substr(at + quoted_key_colon.size());
  if (rest.empty()) return {};
  if (rest[0] == '"') {
    size_t end = 1;
    while (end < rest.size() && rest[end] != '"') end += rest[end] == '\\' ? 2 : 1;
    return rest.substr(1, std::min(end, rest.size()) - 1);
  }
  size_t end = rest.find_first_of(",}");
  return rest.substr(0, end);
}

int64_t ToInt(std::string_view s) {
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') break;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string RunNonce() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf, 10);
}

}  // namespace

// One chat connection of the fleet. Everything runs on the fleet's single thread.
class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  WsClient(WsFleet& fleet, net::io_context& io, Credential credential, size_t index,
           std::string nonce)
      : fleet_(fleet),
        ws_(io),
        timer_(io),
        credential_(std::move(credential)),
        index_(index),
        id_prefix_("b" + nonce + "-" + std::to_string(index) + "-") {}

  void Start(uint16_t port) {
    tcp::endpoint ep(net::ip::make_address_v4("127.0.0.1"), port);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(60));
    beast::get_lowest_layer(ws_).async_connect(
        ep, [self = shared_from_this(), port](beast::error_code ec) { self->OnConnect(ec, port); });
  }

  bool logged_in() const { return logged_in_ && !closed_; }
  bool usable() const { return logged_in() && usable_; }
  const Credential& credential() const { return credential_; }
  const std::string& token() const { return token_; }
  size_t outstanding() const { return outstanding_.size(); }
  void ClearOutstanding() { outstanding_.clear(); }

  void SendNext(int64_t stamp_ns) {
    if (!usable()) return;
    outstanding_.push_back(stamp_ns);
    std::string frame = R"({"type":"send","id":")" + id_prefix_ + std::to_string(counter_) +
                        R"(","text":")" + kTexts[(index_ + counter_) % kTextCount] + "\"}";
    ++counter_;
    Write(std::move(frame));
  }

  // Paced sending: one send every `period_ns`, the first at `first_ns`.
  void StartPaced(int64_t first_ns, double period_ns) {
    next_ns_ = static_cast<double>(first_ns);
    period_ns_ = period_ns;
    ArmTimer();
  }

  void Close() {
    timer_.cancel();
    if (closed_ || !open_) return;
    closing_ = true;
    if (!writing_) DoClose();
  }

 private:
  void OnConnect(beast::error_code ec, uint16_t port) {
    if (ec) return Fail("connect: " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(60),
                                                   websocket::stream_base::none(), false});
    ws_.async_handshake("127.0.0.1:" + std::to_string(port), "/ws/chat",
                        [self = shared_from_this()](beast::error_code e) { self->OnHandshake(e); });
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) return Fail("handshake: " + ec.message());
    open_ = true;
    if (!credential_.token.empty()) {
      Write(R"({"type":"resume","token":")" + credential_.token + R"(","after_seq":1000000000})");
    } else {
      Write(R"({"type":"login","participant_id":")" + credential_.participant_id + R"(","pin":")" +
            credential_.pin + "\"}");
    }
    DoRead();
  }

  void DoRead() {
    ws_.async_read(buffer_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) {
      if (!logged_in_) return Fail("read: " + ec.message());
      closed_ = true;
      return;
    }
    std::string_view frame(static_cast<const char*>(buffer_.cdata().data()), buffer_.size());
    OnFrame(frame, NowNs());
    buffer_.consume(buffer_.size());
    DoRead();
  }

  void OnFrame(std::string_view frame, int64_t now) {
    std::string_view type = Field(frame, R"("type":)");
    if (type == "message") {
      if (!logged_in_) return;
      int64_t seq = ToInt(Field(frame, R"("seq":)"));
      if (seq <= replay_until_) return;  // the replay after login
      std::string_view from = Field(frame, R"("from":)");
      if (from == "participant") return;  // our own message, as the thread's other devices see it
      Answered(now, false, {});
    } else if (type == "ack") {
      return;
    } else if (type == "welcome") {
      token_ = std::string(Field(frame, R"("token":)"));
      replay_until_ = ToInt(Field(frame, R"("last_seq":)"));
      std::string_view state = Field(frame, R"("state":)");
      usable_ = state == "bot" || state == "resolved";
      if (!logged_in_) {
        logged_in_ = true;
        fleet_.OnLoginDone(true, {});
      }
    } else if (type == "state") {
      std::string_view state = Field(frame, R"("state":)");
      if (state == "waiting" || state == "assigned") usable_ = false;
    } else if (type == "error") {
      std::string code(Field(frame, R"("code":)"));
      if (!logged_in_) return Fail("login refused: " + code);
      Answered(now, true, code);
    }
  }

  void Answered(int64_t now, bool error, const std::string& code) {
    if (outstanding_.empty()) return;
    int64_t sent = outstanding_.front();
    outstanding_.pop_front();
    fleet_.OnAnswer(sent, now, error, code);
    if (fleet_.mode_ == WsFleet::Mode::kClosed && fleet_.Sending(now)) SendNext(NowNs());
  }

  void ArmTimer() {
    timer_.expires_at(std::chrono::steady_clock::time_point(
        std::chrono::nanoseconds(static_cast<int64_t>(next_ns_))));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->OnTick();
    });
  }

  void OnTick() {
    int64_t scheduled = static_cast<int64_t>(next_ns_);
    if (!fleet_.Sending(scheduled) || !usable()) return;
    // Coordinated omission: the schedule does not wait for answers, and latency counts from it.
    if (outstanding_.size() < kMaxOutstanding) SendNext(scheduled);
    next_ns_ += period_ns_;
    ArmTimer();
  }

  void Write(std::string frame) {
    if (closed_ || closing_) return;
    queue_.push_back(std::move(frame));
    if (!writing_) DoWrite();
  }

  void DoWrite() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(
        net::buffer(queue_.front()),
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      closed_ = true;
      queue_.clear();
      return;
    }
    queue_.pop_front();
    if (!queue_.empty()) return DoWrite();
    if (closing_) DoClose();
  }

  void DoClose() {
    if (closed_) return;
    closed_ = true;
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](beast::error_code) {});
  }

  void Fail(const std::string& why) {
    if (failed_) return;
    failed_ = true;
    closed_ = true;
    fleet_.OnLoginDone(false, why);
  }

  WsFleet& fleet_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  net::steady_timer timer_;
  Credential credential_;
  size_t index_;
  std::string id_prefix_;
  std::string token_;
  std::deque<std::string> queue_;
  std::deque<int64_t> outstanding_;
  uint64_t counter_ = 0;
  int64_t replay_until_ = 0;
  double next_ns_ = 0, period_ns_ = 0;
  bool open_ = false, logged_in_ = false, usable_ = false, closed_ = false, closing_ = false;
  bool writing_ = false, failed_ = false;
};

WsFleet::WsFleet(uint16_t port) : io_(1), port_(port) {}

WsFleet::~WsFleet() {
  io_.stop();
  clients_.clear();
}

int WsFleet::Connect(int n, const std::vector<Credential>& credentials, int inflight,
                     int timeout_ms, std::string* error) {
  if (credentials.empty() || n <= 0) return 0;
  credentials_ = &credentials;
  size_t first = clients_.size();
  std::string nonce = RunNonce();
  for (int i = 0; i < n; ++i) {
    size_t index = first + static_cast<size_t>(i);
    clients_.push_back(std::make_shared<WsClient>(
        *this, io_, credentials[static_cast<size_t>(i) % credentials.size()], index, nonce));
  }
  next_ = first;
  end_ = clients_.size();
  inflight_ = 0;
  inflight_limit_ = std::max(1, inflight);
  logged_in_ = failed_ = 0;
  first_error_.clear();
  for (int i = 0; i < inflight_limit_; ++i) StartNext();
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout_ms));
  if (logged_in_ + failed_ < n && first_error_.empty()) first_error_ = "timed out logging in";
  *error = first_error_;
  return logged_in_;
}

void WsFleet::StartNext() {
  if (next_ >= end_) return;
  ++inflight_;
  clients_[next_++]->Start(port_);
}

void WsFleet::OnLoginDone(bool ok, const std::string& why) {
  --inflight_;
  if (ok) {
    ++logged_in_;
  } else {
    ++failed_;
    if (first_error_.empty()) first_error_ = why;
  }
  if (next_ < end_) {
    StartNext();
  } else if (inflight_ == 0) {
    io_.stop();
  }
}

void WsFleet::OnAnswer(int64_t sent_ns, int64_t now_ns, bool error, const std::string& code) {
  if (result_ == nullptr) return;
  if (now_ns >= window_start_ns_ && now_ns < window_end_ns_) ++result_->answered;
  if (sent_ns >= window_start_ns_ && sent_ns < window_end_ns_) {
    if (error) {
      ++result_->errors;
      ++result_->error_codes[code];
    } else {
      result_->latency.Add(now_ns - sent_ns);
    }
  }
}

RunResult WsFleet::Run(Mode mode, double rate, double warmup_seconds, double seconds) {
  RunResult result;
  result.seconds = seconds;
  result_ = &result;
  mode_ = mode;
  int64_t now = NowNs();
  window_start_ns_ = now + static_cast<int64_t>(warmup_seconds * 1e9);
  window_end_ns_ = window_start_ns_ + static_cast<int64_t>(seconds * 1e9);
  stop_ns_ = window_end_ns_;
  std::mt19937_64 rng(42);
  for (auto& c : clients_) {
    if (!c->usable()) continue;
    c->ClearOutstanding();
    if (mode == Mode::kClosed) {
      c->SendNext(NowNs());
    } else {
      double period = 1e9 / rate;
      double phase = std::uniform_real_distribution<double>(0, period)(rng);
      c->StartPaced(now + static_cast<int64_t>(phase), period);
    }
  }
  io_.restart();
  // Sending stops at the window's end; answers to what was sent get a few seconds to arrive.
  io_.run_for(std::chrono::nanoseconds(window_end_ns_ - NowNs()));
  int64_t drain_until = NowNs() + 5'000'000'000;
  for (;;) {
    size_t waiting = 0;
    for (auto& c : clients_) waiting += c->logged_in() ? c->outstanding() : 0;
    if (waiting == 0 || NowNs() >= drain_until) {
      result.unanswered = static_cast<int64_t>(waiting);
      break;
    }
    io_.restart();
    io_.run_for(std::chrono::milliseconds(20));
  }
  // Count what was sent in the window: answered, refused, or still waiting.
  result.sent = static_cast<int64_t>(result.latency.count()) + result.errors + result.unanswered;
  mode_ = Mode::kNone;
  result_ = nullptr;
  return result;
}

RunResult WsFleet::RunClosedLoop(double warmup_seconds, double seconds) {
  return Run(Mode::kClosed, 0, warmup_seconds, seconds);
}

RunResult WsFleet::RunPaced(double per_client_rate, double warmup_seconds, double seconds) {
  return Run(Mode::kPaced, per_client_rate, warmup_seconds, seconds);
}

void WsFleet::Idle(double seconds) {
  io_.restart();
  io_.run_for(std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9)));
}

int WsFleet::open() const {
  int n = 0;
  for (const auto& c : clients_) n += c->logged_in() ? 1 : 0;
  return n;
}

int WsFleet::not_usable() const {
  int n = 0;
  for (const auto& c : clients_) n += c->logged_in() && !c->usable() ? 1 : 0;
  return n;
}

std::map<std::string, std::string> WsFleet::Tokens() const {
  std::map<std::string, std::string> out;
  for (const auto& c : clients_) {
    if (c->logged_in() && !c->token().empty() && !c->credential().participant_id.empty()) {
      out[c->credential().participant_id] = c->token();
    }
  }
  return out;
}

void WsFleet::CloseAll(int timeout_ms) {
  for (auto& c : clients_) c->Close();
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout_ms));
  io_.stop();
  clients_.clear();
}

}  // namespace connecthub::bench
