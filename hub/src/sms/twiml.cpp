#include "sms/twiml.h"

#include <cstdint>

#include "sms/utf8.h"

namespace connecthub::hub::sms {
namespace {

bool AllowedInXml(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = NextCodePoint(text, &i);
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (AllowedInXml(cp)) AppendUtf8(cp, &out);
    }
  }
  return out;
}

std::string BuildTwiml(const std::vector<std::string>& messages) {
  std::string body;
  for (const auto& m : messages) {
    if (m.empty()) continue;
    body += "<Message>";
    body += XmlEscape(m);
    body += "</Message>";
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  out += body.empty() ? "<Response/>" : "<Response>" + body + "</Response>";
  return out;
}

}  // namespace connecthub::hub::sms
