#include "sms/mms.h"

#include <charconv>

namespace connecthub::hub::sms {
namespace {

// type/subtype of letters, digits and . + - (no parameters), at most 100 characters.
bool IsMimeType(std::string_view t) {
  size_t slash = t.find('/');
  if (t.size() > 100 || slash == 0 || slash == std::string_view::npos || slash + 1 == t.size()) {
    return false;
  }
  for (size_t i = 0; i < t.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '+' || c == '-' || (c == '/' && i == slash);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<storage::MediaItem> InboundMedia(const FormFields& form, const ApiEndpoint& api,
                                             std::string_view account_sid, int* refused) {
  *refused = 0;
  std::vector<storage::MediaItem> out;
  std::string num = form.Get("NumMedia", "0");
  int count = -1;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), count);
  if (ec != std::errc() || end != num.data() + num.size() || count < 0 ||
      count > static_cast<int>(storage::AppendRequest::kMaxMedia)) {
    *refused = 1;
    return out;
  }
  for (int i = 0; i < count; ++i) {
    std::string url = form.Get("MediaUrl" + std::to_string(i));
    std::string type = form.Get("MediaContentType" + std::to_string(i));
    if (!IsAccountMediaUrl(api, account_sid, url)) {
      ++*refused;
      continue;
    }
    // What the provider calls it; shown to caseworkers only as a hint (SniffMediaType decides).
    if (!IsMimeType(type)) type = "application/octet-stream";
    out.push_back({type, url});
  }
  return out;
}

std::string_view SniffMediaType(std::string_view b) {
  if (b.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (b.starts_with("\x89PNG\r\n\x1A\n")) return "image/png";
  if (b.starts_with("GIF87a") || b.starts_with("GIF89a")) return "image/gif";
  if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  if (b.starts_with("%PDF-")) return "application/pdf";
  return {};
}

}  // namespace connecthub::hub::sms
