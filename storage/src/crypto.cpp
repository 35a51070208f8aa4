#include "crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace connecthub::storage {
namespace {

constexpr size_t kMasterBytes = crypto_kdf_KEYBYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kHeaderBytes = 4 + kNonceBytes;
constexpr std::string_view kCheckConstant = "connecthub key check v1";

// sodium_init is idempotent and thread-safe; calling it from every entry point keeps the
// library self-contained.
void EnsureSodium() {
  static const int kInit = sodium_init();
  (void)kInit;
}

std::string Ad(std::string_view table, std::string_view column, std::string_view row,
               uint32_t key_id) {
  std::string ad;
  ad.reserve(table.size() + column.size() + row.size() + 16);
  ad.append(table).append("|").append(column).append("|").append(row).append("|");
  ad.append(std::to_string(key_id));
  return ad;
}

void Derive(std::array<unsigned char, 32>* out, uint64_t id, const char (&ctx)[9],
            const unsigned char* master) {
  crypto_kdf_derive_from_key(out->data(), out->size(), id, ctx, master);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string NewKeyLine(uint32_t id) {
  unsigned char master[kMasterBytes];
  crypto_kdf_keygen(master);
  std::string b64(sodium_base64_ENCODED_LEN(kMasterBytes, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), master, kMasterBytes, sodium_base64_VARIANT_ORIGINAL);
  sodium_memzero(master, sizeof master);
  b64.resize(std::strlen(b64.c_str()));
  std::string line = std::to_string(id) + " " + b64 + "\n";
  sodium_memzero(b64.data(), b64.size());
  return line;
}

// Writes `content` to `path` with mode 0600, durably. `exclusive`: fail if it exists.
Status WriteKeyFile(const std::string& path, const std::string& content, bool exclusive) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) return {Code::kKey, "cannot create key file " + path + ": " + std::strerror(errno)};
  bool ok = ::fchmod(fd, 0600) == 0 && WriteAll(fd, content) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return {Code::kKey, "cannot write key file " + path};
  return Status::Ok();
}

// fsyncs the directory holding `path`, so a file created or renamed there survives a power loss.
Status SyncDirectory(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return {Code::kKey, "cannot open directory " + dir + ": " + std::strerror(errno)};
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return {Code::kKey, "cannot sync directory " + dir};
  return Status::Ok();
}

}  // namespace

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string ToBase64Url(std::string_view bytes) {
  EnsureSodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string RandomBytes(size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::optional<std::string> NormalizeE164(std::string_view phone) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (plus) {
    if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') return std::nullopt;
    return "+" + digits;
  }
  if (digits.size() == 10) return "+1" + digits;
  if (digits.size() == 11 && digits[0] == '1') return "+" + digits;
  return std::nullopt;
}

KeyRing::~KeyRing() {
  for (auto& entry : keys_) sodium_memzero(&entry.second, sizeof entry.second);
}

Result<std::unique_ptr<KeyRing>> KeyRing::Load(const std::string& path, bool create) {
  EnsureSodium();
  std::unique_ptr<KeyRing> ring(new KeyRing());
  ring->path_ = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Status(Code::kKey, "cannot read key file " + path);
    if (!create) return Status(Code::kKey, "key file " + path + " does not exist");
    Status s = WriteKeyFile(path, NewKeyLine(1), /*exclusive=*/true);
    if (!s.ok()) return s;
    if (s = SyncDirectory(path); !s.ok()) return s;
  }
  std::unique_lock lock(ring->mu_);
  Status s = ring->LoadLocked();
  if (!s.ok()) return s;
  lock.unlock();
  return ring;
}

Status KeyRing::Reload() {
  std::unique_lock lock(mu_);
  return LoadLocked();
}

Status KeyRing::LoadLocked() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return {Code::kKey, "cannot read key file " + path_};
  if (!S_ISREG(st.st_mode)) return {Code::kKey, "key file " + path_ + " is not a regular file"};
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return {Code::kKey,
            "key file " + path_ + " is accessible by group or others (chmod 600 it first)"};
  }
  std::ifstream in(path_);
  if (!in) return {Code::kKey, "cannot read key file " + path_};
  std::map<uint32_t, Key> keys;
  uint32_t current = 0, first = 0, last = 0;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    std::string where = "key file " + path_ + " line " + std::to_string(n) + ": ";
    size_t sp = line.find(' ');
    if (sp == std::string::npos || sp == 0 || sp > 9) {
      sodium_memzero(line.data(), line.size());
      return {Code::kKey, where + "expected '<key id> <base64 key>'"};
    }
    uint32_t id = 0;
    for (size_t i = 0; i < sp; ++i) {
      if (line[i] < '0' || line[i] > '9') {
        sodium_memzero(line.data(), line.size());
        return {Code::kKey, where + "bad key id"};
      }
      id = id * 10 + static_cast<uint32_t>(line[i] - '0');
    }
    std::string_view rest = std::string_view(line).substr(sp + 1);
    constexpr std::string_view kAuditOnly = "audit-only ";
    bool audit_only = rest.starts_with(kAuditOnly);
    if (audit_only) rest.remove_prefix(kAuditOnly.size());
    unsigned char master[kMasterBytes];
    size_t len = 0;
    int rc = sodium_base642bin(master, sizeof master, rest.data(), rest.size(), " \r", &len,
                               nullptr, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(line.data(), line.size());
    if (rc != 0 || len != kMasterBytes) {
      sodium_memzero(master, sizeof master);
      return {Code::kKey, where + "key is not 32 bytes of base64"};
    }
    if (id == 0 || id <= last) {
      sodium_memzero(master, sizeof master);
      return {Code::kKey, where + "key ids must increase"};
    }
    Key key;
    if (audit_only) {
      key.full = false;
      std::memcpy(key.audit.data(), master, kMasterBytes);
    } else {
      Derive(&key.seal, 1, "chseal__", master);
      Derive(&key.check, 2, "chcheck_", master);
      Derive(&key.pepper, 4, "chpepper", master);
      Derive(&key.token, 5, "chtoken_", master);
      Derive(&key.audit, 6, "chaudit_", master);
      Derive(&key.blind, 3, "chblind_", master);
      current = id;
    }
    if (first == 0) first = id;
    sodium_memzero(master, sizeof master);
    keys[id] = key;
    sodium_memzero(&key, sizeof key);
    last = id;
  }
  if (current == 0 || !keys.at(last).full) {
    for (auto& entry : keys) sodium_memzero(&entry.second, sizeof entry.second);
    return {Code::kKey, "key file " + path_ + " holds no key (its last line must be a full key)"};
  }
  for (auto& entry : keys_) sodium_memzero(&entry.second, sizeof entry.second);
  keys_ = std::move(keys);
  stamp_ = FileStamp{static_cast<uint64_t>(st.st_ino), static_cast<int64_t>(st.st_size),
                     static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  current_ = current;
  first_ = first;
  return Status::Ok();
}

Status KeyRing::ReplaceFileLocked(std::string& text) {
  std::string tmp = path_ + ".tmp";
  ::unlink(tmp.c_str());
  Status s = WriteKeyFile(tmp, text, /*exclusive=*/true);
  sodium_memzero(text.data(), text.size());
  if (!s.ok()) return s;
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(Code::kKey, "cannot replace key file " + path_);
  }
  // The rename is durable only once the directory entry is: without this a power loss could
  // bring back the old key file after rows were sealed under the new key.
  if (Status d = SyncDirectory(path_); !d.ok()) return d;
  return LoadLocked();
}

Status KeyRing::RemoveKey(uint32_t key_id, bool keep_audit) {
  std::unique_lock lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) {
    return {Code::kNotFound, "no key " + std::to_string(key_id) + " in the key file"};
  }
  if (key_id == current_) return {Code::kConflict, "key " + std::to_string(key_id) + " is current"};
  if (!it->second.full && keep_audit) return Status::Ok();  // already audit-only
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Status(Code::kKey, "cannot read key file " + path_);
  std::string text, line;
  std::string prefix = std::to_string(key_id) + " ";
  while (std::getline(in, line)) {
    if (!line.starts_with(prefix)) {
      text += line + "\n";
    } else if (keep_audit) {
      const auto& audit = it->second.audit;
      std::string b64(sodium_base64_ENCODED_LEN(audit.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
      sodium_bin2base64(b64.data(), b64.size(), audit.data(), audit.size(),
                        sodium_base64_VARIANT_ORIGINAL);
      b64.resize(std::strlen(b64.c_str()));
      text += prefix + "audit-only " + b64 + "\n";
      sodium_memzero(b64.data(), b64.size());
    }
    sodium_memzero(line.data(), line.size());
  }
  return ReplaceFileLocked(text);
}

uint32_t KeyRing::first_id() const {
  std::shared_lock lock(mu_);
  return first_;
}

int64_t KeyRing::replaced_ms() const {
  std::shared_lock lock(mu_);
  return stamp_.mtime_ns / 1'000'000;
}

Result<uint32_t> KeyRing::AddKey() {
  std::unique_lock lock(mu_);
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Status(Code::kKey, "cannot read key file " + path_);
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  uint32_t id = current_ + 1;
  std::string line = NewKeyLine(id);
  text += line;
  sodium_memzero(line.data(), line.size());
  if (Status s = ReplaceFileLocked(text); !s.ok()) return s;
  return id;
}

uint32_t KeyRing::current_id() const {
  std::shared_lock lock(mu_);
  return current_;
}

std::vector<uint32_t> KeyRing::key_ids() const {
  std::shared_lock lock(mu_);
  std::vector<uint32_t> ids;
  for (const auto& entry : keys_) {
    if (entry.second.full) ids.push_back(entry.first);
  }
  return ids;
}

std::string KeyRing::CheckValue(uint32_t key_id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end() || !it->second.full) return {};
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(kCheckConstant.data()),
                     kCheckConstant.size(), it->second.check.data(), it->second.check.size());
  return out;
}

void KeyRing::RefreshIfReplaced() {
  constexpr int64_t kRefreshMs = 1000;  // how often Seal looks at the key file
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t last = last_check_ms_.load();
  if (now - last < kRefreshMs || !last_check_ms_.compare_exchange_strong(last, now)) {
    return;
  }
  (void)ReloadIfReplaced();
}

bool KeyRing::ReloadIfReplaced() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return false;
  FileStamp seen{static_cast<uint64_t>(st.st_ino), static_cast<int64_t>(st.st_size),
                 static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  {
    std::shared_lock lock(mu_);
    if (seen == stamp_) return false;
  }
  std::unique_lock lock(mu_);
  // A file that does not load (e.g. opened to others) leaves the keys as they were; Open and
  // rotate-key report such a file.
  return LoadLocked().ok();
}

std::string KeyRing::Seal(std::string_view plaintext, std::string_view table,
                          std::string_view column, std::string_view row) {
  RefreshIfReplaced();
  std::shared_lock lock(mu_);
  return SealLocked(plaintext, table, column, row, current_);
}

std::string KeyRing::SealLocked(std::string_view plaintext, std::string_view table,
                                std::string_view column, std::string_view row,
                                uint32_t key_id) const {
  const Key& key = keys_.at(key_id);
  std::string ad = Ad(table, column, row, key_id);
  std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = static_cast<unsigned char>(key_id >> 24);
  p[1] = static_cast<unsigned char>(key_id >> 16);
  p[2] = static_cast<unsigned char>(key_id >> 8);
  p[3] = static_cast<unsigned char>(key_id);
  randombytes_buf(p + 4, kNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      p + kHeaderBytes, &clen, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      p + 4, key.seal.data());
  out.resize(kHeaderBytes + clen);
  return out;
}

uint32_t KeyRing::SealedKeyId(std::string_view sealed) {
  if (sealed.size() < 4) return 0;
  auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

Result<std::string> KeyRing::Open(std::string_view sealed, std::string_view table,
                                  std::string_view column, std::string_view row) {
  if (sealed.size() < kHeaderBytes + kTagBytes) {
    return Status(Code::kTampered, std::string(table) + "." + std::string(column) + " of row " +
                                       std::string(row) + " is truncated");
  }
  uint32_t id = SealedKeyId(sealed);
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::shared_lock lock(mu_);
      auto it = keys_.find(id);
      if (it != keys_.end() && it->second.full) {
        std::string ad = Ad(table, column, row, id);
        std::string out(sealed.size() - kHeaderBytes - kTagBytes, '\0');
        unsigned long long mlen = 0;
        auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, p + kHeaderBytes,
                sealed.size() - kHeaderBytes, reinterpret_cast<const unsigned char*>(ad.data()),
                ad.size(), p + 4, it->second.seal.data()) != 0) {
          return Status(Code::kTampered, std::string(table) + "." + std::string(column) +
                                             " of row " + std::string(row) +
                                             " failed authentication (tampered)");
        }
        out.resize(mlen);
        return out;
      }
    }
    // Another process (`connecthub rotate-key`) may have added a key since we loaded the file.
    if (attempt == 0 && !Reload().ok()) break;
  }
  return Status(Code::kKey, "value sealed under key id " + std::to_string(id) +
                                " which the key file does not hold");
}

namespace {

std::string IdPrefix(uint32_t id) {
  return {static_cast<char>(id >> 24), static_cast<char>(id >> 16), static_cast<char>(id >> 8),
          static_cast<char>(id)};
}

std::string Mac(std::string_view data, const std::array<unsigned char, 32>& key) {
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), key.data(),
                     key.size());
  return out;
}

}  // namespace

std::string KeyRing::BlindIndex(std::string_view e164) const {
  std::shared_lock lock(mu_);
  return Mac(e164, keys_.at(current_).blind);
}

std::vector<std::string> KeyRing::BlindIndexes(std::string_view e164) {
  RefreshIfReplaced();
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.push_back(Mac(e164, keys_.at(current_).blind));
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
    if (it->second.full && it->first != current_) out.push_back(Mac(e164, it->second.blind));
  }
  return out;
}

KeyRing::SealedPhone KeyRing::SealPhone(std::string_view e164, std::string_view table,
                                        std::string_view column, std::string_view row) {
  RefreshIfReplaced();
  std::shared_lock lock(mu_);
  SealedPhone out;
  out.index = Mac(e164, keys_.at(current_).blind);
  out.sealed = SealLocked(e164, table, column, row.empty() ? ToHex(out.index) : row, current_);
  return out;
}

uint32_t KeyRing::RecordedKeyId(std::string_view hash_or_link) const {
  if (hash_or_link.size() == 36) return SealedKeyId(hash_or_link);
  std::shared_lock lock(mu_);
  return first_;
}

std::string KeyRing::AuditMac(std::string_view data) const {
  std::shared_lock lock(mu_);
  return IdPrefix(current_) + Mac(data, keys_.at(current_).audit);
}

bool KeyRing::AuditMacMatches(std::string_view data, std::string_view link) const {
  std::shared_lock lock(mu_);
  uint32_t id = first_;
  std::string_view mac = link;
  if (link.size() == 36) {
    id = SealedKeyId(link);
    mac.remove_prefix(4);
  } else if (link.size() != 32) {
    return false;
  }
  auto it = keys_.find(id);
  if (it == keys_.end()) return false;
  std::string expect = Mac(data, it->second.audit);
  return sodium_memcmp(expect.data(), mac.data(), 32) == 0;
}

std::string KeyRing::TokenHash(std::string_view token) const {
  std::shared_lock lock(mu_);
  return IdPrefix(current_) + Mac(token, keys_.at(current_).token);
}

std::vector<std::string> KeyRing::TokenHashes(std::string_view token) {
  RefreshIfReplaced();
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.push_back(IdPrefix(current_) + Mac(token, keys_.at(current_).token));
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
    if (!it->second.full || it->first == current_) continue;
    out.push_back(IdPrefix(it->first) + Mac(token, it->second.token));
  }
  auto first = keys_.find(first_);
  if (first != keys_.end() && first->second.full) out.push_back(Mac(token, first->second.token));
  return out;
}

uint32_t KeyRing::SecretKeyId(std::string_view hash) {
  if (hash.starts_with("!")) hash.remove_prefix(1);
  if (!hash.starts_with("k")) return 0;
  uint32_t id = 0;
  size_t i = 1;
  for (; i < hash.size() && i < 11 && hash[i] >= '0' && hash[i] <= '9'; ++i) {
    id = id * 10 + static_cast<uint32_t>(hash[i] - '0');
  }
  if (i == 1 || i >= hash.size() || hash[i] != ':') return 0;
  return id;
}

std::string KeyRing::Peppered(std::string_view secret, uint32_t key_id) const {
  unsigned char mac[32];
  {
    std::shared_lock lock(mu_);
    auto it = keys_.find(key_id);
    if (it == keys_.end() || !it->second.full) return {};
    crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(secret.data()),
                       secret.size(), it->second.pepper.data(), it->second.pepper.size());
  }
  std::string hex = ToHex(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
  sodium_memzero(mac, sizeof mac);
  return hex;
}

namespace {

// Argon2id (interactive) takes 64 MiB and ~0.1 s of a core per call. The hub runs Store calls on a
// pool sized for group-commit concurrency, not for that: a burst of logins on every pool thread
// would cost gigabytes. At most this many run at once; the rest wait their turn.
class Argon2Slot {
 public:
  Argon2Slot() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [] { return running_ < Limit(); });
    ++running_;
  }
  ~Argon2Slot() {
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    cv_.notify_one();
  }
  Argon2Slot(const Argon2Slot&) = delete;
  Argon2Slot& operator=(const Argon2Slot&) = delete;

 private:
  static int Limit() {
    static const int limit = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    return limit;
  }
  static inline std::mutex mu_;
  static inline std::condition_variable cv_;
  static inline int running_ = 0;
};

}  // namespace

Result<std::string> KeyRing::HashSecret(std::string_view secret) const {
  uint32_t id = current_id();
  std::string input = Peppered(secret, id);
  Argon2Slot slot;
  char out[crypto_pwhash_STRBYTES];
  int rc = crypto_pwhash_str(out, input.data(), input.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
  sodium_memzero(input.data(), input.size());
  if (rc != 0) return Status(Code::kInternal, "Argon2id hashing failed (out of memory)");
  return "k" + std::to_string(id) + ":" + std::string(out);
}

bool KeyRing::VerifySecret(const std::string& hash, std::string_view secret, bool peppered) {
  std::string_view stored = hash;
  std::string input;
  if (peppered) {
    uint32_t id = SecretKeyId(stored);
    if (id != 0) {
      stored.remove_prefix(stored.find(':') + 1);
    } else {
      id = first_id();
    }
    input = Peppered(secret, id);
    // Hashed by another process under a key added since we loaded the file (as for Open).
    if (input.empty() && Reload().ok()) input = Peppered(secret, id);
  } else {
    input = std::string(secret);
  }
  std::string str(stored);
  Argon2Slot slot;
  // An unknown key still spends the Argon2id time (its input is then empty and cannot match a
  // peppered hash, whose input is 64 hex digits).
  bool ok =
      crypto_pwhash_str_verify(str.c_str(), input.data(), input.size()) == 0 && !input.empty();
  sodium_memzero(input.data(), input.size());
  return ok;
}

bool KeyRing::NeedsRehash(const std::string& hash, bool peppered) const {
  return !peppered || SecretKeyId(hash) != current_id();
}

const std::string& KeyRing::DummyHash() {
  std::call_once(dummy_once_, [this] {
    auto h = HashSecret(ToHex(RandomBytes(16)));
    dummy_hash_ = h.ok() ? *h : std::string();
  });
  return dummy_hash_;
}

}  // namespace connecthub::storage
