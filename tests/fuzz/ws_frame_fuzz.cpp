// libFuzzer target: the WebSocket framing the hub relies on (Boost.Beast, server role, the hub's
// 16 KiB message limit) on arbitrary bytes from an accepted client: frame headers, lengths,
// masking, fragmentation, control frames, close codes, UTF-8 of text frames. Invariants: no crash,
// no sanitizer report, no message over the limit delivered, reading ends with an error code.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr size_t kMaxMessage = 16 * 1024;  // ServerOptions::ws_max_message
constexpr std::string_view kUpgrade =
    "GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::asio::io_context io;
  beast::test::stream server(io);
  beast::test::stream client(io);
  server.connect(client);
  client.write_some(boost::asio::buffer(kUpgrade.data(), kUpgrade.size()));
  websocket::stream<beast::test::stream&> ws(server);
  ws.read_message_max(kMaxMessage);
  beast::error_code ec;
  ws.accept(ec);
  if (ec) std::abort();  // the fixed handshake must be accepted
  client.write_some(boost::asio::buffer(data, size));
  client.close();
  for (int i = 0; i < 10000; ++i) {
    beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (ec) break;
    if (buffer.size() > kMaxMessage) std::abort();
  }
  if (!ec) std::abort();  // the peer closed: reading must end
  return 0;
}
