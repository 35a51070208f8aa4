// libFuzzer target: the parent chat frame parser (SPEC §4) on arbitrary text frames. Whatever the
// input, ParseClientFrame returns a frame or an error (never throws, never reads out of bounds),
// and a parsed frame respects the limits; errors never echo the frame's content.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "chat/frames.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace chat = connecthub::hub::chat;
  chat::FrameLimits limits;
  auto parsed = chat::ParseClientFrame(text, limits);
  if (auto* frame = std::get_if<chat::ClientFrame>(&parsed)) {
    if (auto* send = std::get_if<chat::SendFrame>(frame)) {
      if (send->text.size() > limits.max_text_bytes || send->id.size() > limits.max_id_bytes) {
        std::abort();  // a limit was not enforced
      }
      // Serialising what was accepted must work too.
      std::string ack = chat::AckFrame(send->id, 1);
      if (ack.empty()) std::abort();
    }
  } else {
    const auto& error = std::get<chat::FrameError>(parsed);
    if (error.code != "bad_request" && error.code != "too_large") std::abort();
    // Messages are fixed English sentences: one holding a long input echoes the frame.
    if (size >= 48 && error.message.find(text) != std::string::npos) std::abort();
    (void)chat::ErrorFrame(error.code, error.message, error.id);
  }
  return 0;
}
