#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage {

// Encoding helpers (libsodium-backed).
std::string ToHex(std::string_view bytes);        // upper case, as SQLite's hex()
std::string ToBase64Url(std::string_view bytes);  // URL-safe, no padding
std::string RandomBytes(size_t n);

// E.164 normalisation: strips spaces, dashes, dots and parentheses; 10 digits get +1; 11 digits
// starting with 1 get +; "+" followed by 8..15 digits is kept. nullopt for anything else.
std::optional<std::string> NormalizeE164(std::string_view phone);

// The key ring: master keys from the key file and everything derived from them.
//
// Key file format: text, one line per key, `<key_id> <base64 32-byte master key>`; the last line
// is the current key (new values are sealed under it). The file must not be readable or writable
// by group or other. Per key id a sealing, key-check, pepper, session-hash, audit-MAC and
// blind-index subkey are derived with crypto_kdf; new hashes, sessions and audit links use the
// current key's and record its id. A retired key whose audit links remain is kept as
// `<key_id> audit-only <base64 audit-MAC subkey>`: it verifies the chain and opens nothing. A
// phone's blind index is made with the current key's blind subkey, together with its sealed
// number (SealPhone), so the sealed value's key id is the index's; look-ups try every key.
//
// Recorded key ids: a peppered hash is `k<id>:` + the Argon2id string; a session hash and an audit
// link are key_id (4 bytes, big endian) || 32-byte BLAKE2b. Values without one (written before key
// ids were recorded; no schema change) are under the first key of the file.
//
// Sealed value layout: key_id (4 bytes, big endian) || nonce (24) || XChaCha20-Poly1305
// ciphertext+tag; associated data "table|column|row|key_id" binds it to its row and column.
//
// Thread-safe: sealing and opening take a shared lock; Reload and AddKey take it exclusively.
class KeyRing {
 public:
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Loads `path`, creating it (0600, one fresh key with id 1) when absent and `create` is set.
  // kKey when missing (and not created), unreadable, malformed or open to group/other.
  static Result<std::unique_ptr<KeyRing>> Load(const std::string& path, bool create);

  // Re-reads the key file (e.g. another process rotated the key). kKey as Load.
  Status Reload();
  // Re-reads the key file if it was replaced since it was loaded (inode, size, mtime; one stat()
  // when not). True when it was reloaded.
  bool ReloadIfReplaced();
  // Appends a fresh key with the next id to the key file (atomically, via rename) and makes it
  // current. Returns the new id.
  Result<uint32_t> AddKey();
  // Removes key `key_id` from the key file (atomically and durably, like AddKey); with
  // `keep_audit` its line becomes audit-only (verification of audit links only). Refuses the
  // current key: kConflict; an unknown id: kNotFound. The caller makes sure nothing else uses it.
  Status RemoveKey(uint32_t key_id, bool keep_audit);
  // The first key of the file (full or audit-only): values without a recorded key id are under it.
  uint32_t first_id() const;
  // When the key file was last replaced (ms since the epoch; 0 if unknown).
  int64_t replaced_ms() const;

  uint32_t current_id() const;
  // The ids of the full keys (audit-only lines left out).
  std::vector<uint32_t> key_ids() const;
  // Keyed BLAKE2b of a constant under `key_id`'s check subkey (recorded in the database so a wrong
  // key file is refused at open). Empty when the id is unknown.
  std::string CheckValue(uint32_t key_id) const;

  // Seals under the current key. At most once per refresh interval it first checks whether the
  // key file was replaced (another process rotated the key) and then reloads it, so a running
  // hub seals under the new current key without a restart.
  std::string Seal(std::string_view plaintext, std::string_view table, std::string_view column,
                   std::string_view row);
  // kTampered when authentication fails (wrong row, flipped byte, truncated); kKey when the key id
  // is unknown even after re-reading the key file.
  Result<std::string> Open(std::string_view sealed, std::string_view table, std::string_view column,
                           std::string_view row);
  // The key id a sealed value was written under (0 if too short).
  static uint32_t SealedKeyId(std::string_view sealed);

  // 32-byte keyed BLAKE2b of an already normalised E.164 number under the current key's blind
  // subkey.
  std::string BlindIndex(std::string_view e164) const;
  // The number's blind index under every full key, the current key's first: a row indexed under
  // an older key (not re-indexed yet, or an opt-out recorded before indexes rotated) is found
  // under one of them. Looks at the key file first, as Seal does.
  std::vector<std::string> BlindIndexes(std::string_view e164);
  // A number's blind index and its sealed form under the same key (the current one, after the
  // key-file check Seal makes): the sealed value's key id is the index's too. An empty `row`
  // means the row identity is hex(index) (linked_phones, sms_optouts).
  struct SealedPhone {
    std::string index, sealed;
  };
  SealedPhone SealPhone(std::string_view e164, std::string_view table, std::string_view column,
                        std::string_view row);
  // A session token's stored form under the current key: key id (4 bytes) || keyed BLAKE2b.
  std::string TokenHash(std::string_view token) const;
  // Every form the token may be stored in: one per full key (and the legacy 32-byte form under
  // the first key), the current key's first. Looks at the key file first, as Seal does.
  std::vector<std::string> TokenHashes(std::string_view token);
  // The key id a stored session hash or audit link was made with (the first key for legacy).
  uint32_t RecordedKeyId(std::string_view hash_or_link) const;
  // Audit link under the current key: key id (4 bytes) || keyed BLAKE2b of `data`. Links an audit
  // row to the one before it, so an edit by anyone without the key file breaks the chain.
  std::string AuditMac(std::string_view data) const;
  // Whether `link` is the audit link of `data` under the key it records (full or audit-only).
  bool AuditMacMatches(std::string_view data, std::string_view link) const;
  // Argon2id (crypto_pwhash_str) over a keyed BLAKE2b of the secret with the current key's
  // pepper, prefixed `k<id>:`. kInternal when out of memory.
  Result<std::string> HashSecret(std::string_view secret) const;
  // Verifies against a stored hash with the pepper of the key it records; `peppered` false for
  // plain Argon2id strings from an extract. A key id the ring does not hold re-reads the key file
  // once (another process may have rotated the key, as for Open); false when still unknown.
  bool VerifySecret(const std::string& hash, std::string_view secret, bool peppered);
  // True when a verified hash should be re-made under the current pepper (unpeppered, or made
  // under an older key).
  bool NeedsRehash(const std::string& hash, bool peppered) const;
  // A peppered hash of a random secret, made once: what an unknown or disabled account's check
  // verifies against, so its cost is the same as a real one (no timing difference).
  const std::string& DummyHash();
  // The key id recorded in a peppered hash; 0 when it has none (legacy: the first key).
  static uint32_t SecretKeyId(std::string_view hash);

 private:
  struct Key {
    bool full = true;  // false: an audit-only line (only `audit` is set)
    std::array<unsigned char, 32> seal{};
    std::array<unsigned char, 32> check{};
    std::array<unsigned char, 32> pepper{};
    std::array<unsigned char, 32> token{};
    std::array<unsigned char, 32> audit{};
    std::array<unsigned char, 32> blind{};
  };
  KeyRing() = default;
  Status LoadLocked();
  // Writes `text` as the new key file (a temporary file renamed over it, the directory synced)
  // and loads it.
  Status ReplaceFileLocked(std::string& text);
  // Seal under key `key_id` (held: the lock taken, a full key).
  std::string SealLocked(std::string_view plaintext, std::string_view table,
                         std::string_view column, std::string_view row, uint32_t key_id) const;
  // Keyed BLAKE2b of the secret under key `key_id`'s pepper; empty when not a full key.
  std::string Peppered(std::string_view secret, uint32_t key_id) const;

  std::string path_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
  mutable std::shared_mutex mu_;
  std::map<uint32_t, Key> keys_;
  uint32_t current_ = 0;
  uint32_t first_ = 0;
  // The key file as last loaded (inode, size, mtime), and when Seal last compared it.
  struct FileStamp {
    uint64_t ino = 0;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  FileStamp stamp_;
  std::atomic<int64_t> last_check_ms_{0};
  void RefreshIfReplaced();
};

}  // namespace connecthub::storage
