#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "storage/store.h"

namespace connecthub::hub::chat {

// Parent chat frames (SPEC §4, hub/API.md): parsing what clients send and serialising what the hub
// sends. Pure functions; thread-safe.

struct FrameLimits {
  size_t max_text_bytes = 4000;  // a `send` text over this is `too_large`. Default 4000 bytes.
  size_t max_id_bytes = 64;      // client message ids. Default 64 bytes.
};

struct LoginFrame {
  std::string participant_id;
  std::string pin;
  std::string lang;  // "en", "es" or empty (keep the thread's)
};
struct ResumeFrame {
  std::string token;
  int64_t after_seq = 0;
};
struct SendFrame {
  std::string id;
  std::string text;
};
struct LogoutFrame {};

using ClientFrame = std::variant<LoginFrame, ResumeFrame, SendFrame, LogoutFrame>;

// Why a frame was refused: `code` is an SPEC §4 error code (bad_request, too_large); `id` is the
// send's id when it could be read (so the error frame can carry it).
struct FrameError {
  std::string code;
  std::string message;  // English, for developers; never contains the frame's content
  std::string id;
};

// Parses one text frame. Never throws; garbage gives a FrameError.
std::variant<ClientFrame, FrameError> ParseClientFrame(std::string_view text,
                                                       const FrameLimits& limits = {});

// --- hub → client ---
// `new_from_seq` > 0: the first caseworker reply the parent has not seen (they had left); the
// client shows it first, marked new.
std::string WelcomeFrame(const std::string& token, const std::string& participant_id,
                         const std::string& first_name, const std::string& lang,
                         storage::ThreadState state, int64_t last_seq, int64_t new_from_seq = 0);
std::string AckFrame(const std::string& id, int64_t seq);
// A stored message (never a note). Caseworker messages carry `caseworker`, bot ones `intent`.
std::string MessageFrame(const storage::MessageRecord& message);
std::string StateFrame(storage::ThreadState state, const std::string& caseworker);
// `id` and the extra fields are added only when non-empty / non-zero.
std::string ErrorFrame(std::string_view code, std::string_view message, std::string_view id = {},
                       std::string_view retry_at = {}, int64_t retry_after_ms = 0);
std::string LoggedOutFrame();

}  // namespace connecthub::hub::chat
