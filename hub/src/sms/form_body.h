#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sms/result.h"

namespace connecthub::hub::sms {

// The fields of an `application/x-www-form-urlencoded` body, in the order received. Every field is
// kept, known or not, because the provider's signature covers all of them; a key may repeat.
// Plain value type; not synchronized.
class FormFields {
 public:
  FormFields() = default;
  explicit FormFields(std::vector<std::pair<std::string, std::string>> fields)
      : fields_(std::move(fields)) {}

  // The first value of `key`, or `fallback` when absent.
  std::string Get(std::string_view key, std::string_view fallback = "") const;
  bool Has(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }
  void Add(std::string key, std::string value) {
    fields_.emplace_back(std::move(key), std::move(value));
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct FormLimits {
  size_t max_fields = 256;  // more fields than this is rejected. Default 256.
};

// Parses a form body: `&`-separated `key=value` pairs, `+` is a space, `%XX` a byte. Empty pairs
// are skipped; a pair without `=` has an empty value. Fails on a malformed or truncated `%`
// escape, an empty key, a NUL byte, decoded text that is not valid UTF-8, or too many fields.
Result<FormFields> ParseForm(std::string_view body, const FormLimits& limits = {});

// Encodes one form component (RFC 3986 unreserved characters kept, space as `+`).
std::string FormEncode(std::string_view text);

// Encodes fields as a form body, in the given order.
std::string EncodeForm(const std::vector<std::pair<std::string, std::string>>& fields);

// Whether `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace connecthub::hub::sms
