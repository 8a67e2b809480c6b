#include "formats/adb_backup.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <memory>

#include "common/sha256.h"
#include "common/text.h"
#include "formats/tar_header.h"

namespace contraband {
namespace {

constexpr std::string_view kMagic = "ANDROID BACKUP\n";
constexpr size_t kReadBytes = 1u << 20;
constexpr size_t kMaxLongNameBytes = 4096;
constexpr size_t kMaxPaxBytes = 64u << 10;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FromHex(std::string_view hex, const char* what) {
  if (hex.size() % 2 != 0) {
    throw ParseError(std::string(what) + " is not hex (odd length)");
  }
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw ParseError(std::string(what) + " is not hex");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string Pbkdf2Sha1(std::string_view secret, std::string_view salt,
                       uint32_t rounds) {
  std::string key(32, '\0');
  if (PKCS5_PBKDF2_HMAC_SHA1(
          secret.data(), static_cast<int>(secret.size()),
          reinterpret_cast<const unsigned char*>(salt.data()),
          static_cast<int>(salt.size()), static_cast<int>(rounds),
          static_cast<int>(key.size()),
          reinterpret_cast<unsigned char*>(key.data())) != 1) {
    throw ParseError("PBKDF2 failed");
  }
  return key;
}

// Java turns each master-key byte into a char by sign extension (0x80 ->
// U+FF80) and PBKDF2WithHmacSHA1 hashes the chars as UTF-8 (format 2+).
std::string JavaCharsUtf8(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    const unsigned char b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else {
      const uint32_t cp = 0xFF00u | b;
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

struct CipherCloser {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, CipherCloser>;

Cipher NewDecryptor(std::string_view key, std::string_view iv) {
  if (key.size() != 32 || iv.size() != 16) {
    throw ParseError("an AES-256 key of " + std::to_string(key.size()) +
                     " bytes or an IV of " + std::to_string(iv.size()) +
                     " bytes");
  }
  Cipher c(EVP_CIPHER_CTX_new());
  if (!c ||
      EVP_DecryptInit_ex(c.get(), EVP_aes_256_cbc(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(iv.data())) !=
          1) {
    throw ParseError("AES-256-CBC could not be set up");
  }
  return c;
}

// Decrypts `data` whole; nullopt-like empty + false on a padding error.
bool DecryptAll(std::string_view key, std::string_view iv,
                std::string_view data, std::string& out) {
  Cipher c = NewDecryptor(key, iv);
  out.assign(data.size() + 16, '\0');
  int n = 0, m = 0;
  if (EVP_DecryptUpdate(c.get(), reinterpret_cast<unsigned char*>(out.data()),
                        &n, reinterpret_cast<const unsigned char*>(data.data()),
                        static_cast<int>(data.size())) != 1 ||
      EVP_DecryptFinal_ex(
          c.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &m) != 1) {
    return false;
  }
  out.resize(static_cast<size_t>(n + m));
  return true;
}

// The master key and its IV from the user-key-encrypted blob.
struct MasterKey {
  std::string iv, key;
};

MasterKey UnlockMasterKey(const AdbBackupHeader& h,
                          const std::string& password) {
  const std::string user_key = Pbkdf2Sha1(password, h.user_salt, h.rounds);
  std::string blob;
  const std::string wrong =
      "the password does not decrypt this adb backup's master key (wrong "
      "--password)";
  if (!DecryptAll(user_key, h.user_iv, h.master_key_blob, blob)) {
    throw AdbBackupWrongPassword(wrong);
  }
  // [len][IV][len][master key][len][checksum]
  std::vector<std::string> parts;
  size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    if (at >= blob.size()) throw AdbBackupWrongPassword(wrong);
    const size_t len = static_cast<unsigned char>(blob[at++]);
    if (len > blob.size() - at) throw AdbBackupWrongPassword(wrong);
    parts.emplace_back(blob.substr(at, len));
    at += len;
  }
  MasterKey mk{parts[0], parts[1]};
  if (mk.iv.size() != 16 || mk.key.size() != 32) {
    throw AdbBackupWrongPassword(wrong);
  }
  const std::string secret = h.version >= 2 ? JavaCharsUtf8(mk.key) : mk.key;
  if (Pbkdf2Sha1(secret, h.checksum_salt, h.rounds) != parts[2]) {
    throw AdbBackupWrongPassword(wrong);
  }
  return mk;
}

// The tar inside, fed in pieces: only wanted members are kept.
class TarWalker {
 public:
  TarWalker(const std::function<bool(std::string_view)>& want,
            const std::function<void(AdbBackupMember)>& on_member)
      : want_(want), on_member_(on_member) {}

  bool done() const { return done_; }
  const std::string& damage() const { return damage_; }

  void Feed(std::string_view data) {
    while (!data.empty() && !done_) {
      if (remaining_ == 0 && padding_ == 0) {
        const size_t take = std::min(data.size(), 512 - header_.size());
        header_.append(data.substr(0, take));
        data.remove_prefix(take);
        if (header_.size() == 512) Header();
        continue;
      }
      if (remaining_ > 0) {
        const size_t take =
            static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
        if (keep_) body_.append(data.substr(0, take));
        remaining_ -= take;
        data.remove_prefix(take);
        if (remaining_ == 0) EndMember();
        continue;
      }
      const size_t take =
          static_cast<size_t>(std::min<uint64_t>(padding_, data.size()));
      padding_ -= take;
      data.remove_prefix(take);
    }
  }

  // The stream ended: say so if it ended inside the tar.
  void End() {
    if (!done_ && members_ == 0) {
      Damage("the backup's payload holds no tar member");
    } else if (!done_ && (remaining_ > 0 || !header_.empty())) {
      Damage("the backup's tar ends inside a member");
    }
    done_ = true;
  }

  void Damage(std::string message) {
    if (damage_.empty()) damage_ = std::move(message);
    done_ = true;
  }

 private:
  void Header() {
    TarHeader h;
    try {
      h = ParseTarHeader(header_);
    } catch (const ParseError& e) {
      Damage(std::string("tar member ") + std::to_string(members_ + 1) +
             ": " + e.what());
      return;
    }
    header_.clear();
    if (h.end) {
      done_ = true;
      return;
    }
    if (++members_ > kMaxAdbBackupEntries) {
      Damage("more than " + std::to_string(kMaxAdbBackupEntries) +
             " tar members; the rest was not read");
      return;
    }
    type_ = h.type;
    name_ = next_name_.empty() ? h.name : next_name_;
    if (type_ != 'L' && type_ != 'x') next_name_.clear();
    remaining_ = h.size;
    padding_ = (512 - h.size % 512) % 512;
    body_.clear();
    if (type_ == 'L') {
      keep_ = h.size <= kMaxLongNameBytes;
    } else if (type_ == 'x') {
      keep_ = h.size <= kMaxPaxBytes;
    } else {
      keep_ = (type_ == '0' || type_ == '7') &&
              h.size <= kMaxAdbBackupManifestBytes && want_(name_);
    }
    if (remaining_ == 0) EndMember();
  }

  void EndMember() {
    if (keep_) {
      if (type_ == 'L') {
        next_name_ = body_.substr(0, body_.find('\0'));
      } else if (type_ == 'x') {
        try {
          next_name_ = PaxPath(body_);
        } catch (const ParseError&) {
          next_name_.clear();
        }
      } else {
        on_member_({name_, std::move(body_)});
      }
    }
    keep_ = false;
    body_.clear();
  }

  const std::function<bool(std::string_view)>& want_;
  const std::function<void(AdbBackupMember)>& on_member_;
  std::string header_, body_, name_, next_name_, damage_;
  uint64_t remaining_ = 0, padding_ = 0, members_ = 0;
  char type_ = '0';
  bool keep_ = false, done_ = false;
};

// zlib (deflate with a zlib header, as Java's DeflaterOutputStream writes).
class Inflater {
 public:
  explicit Inflater(TarWalker& tar) : tar_(tar) {
    if (inflateInit(&z_) != Z_OK) throw ParseError("zlib could not start");
  }
  ~Inflater() { inflateEnd(&z_); }

  void Feed(std::string_view data) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    while (z_.avail_in > 0 && !ended_ && !tar_.done()) {
      z_.next_out = reinterpret_cast<Bytef*>(out_);
      z_.avail_out = sizeof out_;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        tar_.Damage("the backup's zlib stream is damaged (" +
                    std::string(z_.msg ? z_.msg : "inflate error") + ")");
        return;
      }
      const size_t n = sizeof out_ - z_.avail_out;
      total_ += n;
      if (total_ > kMaxAdbBackupTarBytes) {
        tar_.Damage("the backup inflates past " +
                    std::to_string(kMaxAdbBackupTarBytes) +
                    " bytes; the rest was not read");
        return;
      }
      tar_.Feed(std::string_view(out_, n));
      if (rc == Z_STREAM_END) ended_ = true;
    }
  }

 private:
  TarWalker& tar_;
  z_stream z_{};
  char out_[64 * 1024];
  uint64_t total_ = 0;
  bool ended_ = false;
};

}  // namespace

bool LooksLikeAdbBackup(std::string_view head) {
  return head.substr(0, kMagic.size()) == kMagic;
}

AdbBackupHeader ParseAdbBackupHeader(std::string_view head) {
  if (!LooksLikeAdbBackup(head)) throw ParseError("not an adb backup");
  head = head.substr(0, kMaxAdbBackupHeaderBytes);
  size_t at = 0;
  auto line = [&](const char* what) {
    const size_t nl = head.find('\n', at);
    if (nl == std::string_view::npos) {
      throw ParseError(std::string("the header ends before its ") + what +
                       " line");
    }
    const std::string_view l = head.substr(at, nl - at);
    at = nl + 1;
    return l;
  };
  auto number = [](std::string_view text, const char* what, uint32_t max) {
    uint64_t v = 0;
    if (text.empty() || text.size() > 10) {
      throw ParseError(std::string(what) + " is not a number");
    }
    for (char c : text) {
      if (c < '0' || c > '9') {
        throw ParseError(std::string(what) + " is not a number");
      }
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > max) throw ParseError(std::string(what) + " is out of range");
    return static_cast<uint32_t>(v);
  };
  AdbBackupHeader h;
  line("magic");
  h.version = static_cast<int>(number(line("version"), "version", 1000));
  if (h.version < 1) throw ParseError("version 0 is no adb backup version");
  h.compressed = number(line("compression"), "compression flag", 1) == 1;
  const std::string_view encryption = line("encryption");
  if (encryption == "none") {
    h.payload_offset = at;
    return h;
  }
  if (encryption != "AES-256") {
    throw ParseError("unknown encryption \"" +
                     std::string(encryption.substr(0, 40)) + "\"");
  }
  h.encrypted = true;
  h.user_salt = FromHex(line("user password salt"), "the user password salt");
  h.checksum_salt =
      FromHex(line("master key checksum salt"), "the checksum salt");
  h.rounds = number(line("PBKDF2 rounds"), "PBKDF2 rounds", kMaxAdbBackupRounds);
  if (h.rounds == 0) throw ParseError("PBKDF2 rounds is 0");
  h.user_iv = FromHex(line("user key IV"), "the user key IV");
  h.master_key_blob = FromHex(line("master key blob"), "the master key blob");
  if (h.user_iv.size() != 16) throw ParseError("the user key IV is not 16 bytes");
  if (h.master_key_blob.empty() || h.master_key_blob.size() % 16 != 0) {
    throw ParseError("the master key blob is not whole AES blocks");
  }
  h.payload_offset = at;
  return h;
}

AdbBackupApp ParseAdbBackupManifest(std::string_view text) {
  if (text.size() > kMaxAdbBackupManifestBytes) {
    throw ParseError("the _manifest is too large");
  }
  LineReader lines(text);
  std::vector<std::string_view> l;
  std::string_view one;
  while (l.size() < 7 && lines.Next(one)) l.push_back(one);
  if (l.size() < 7) throw ParseError("the _manifest has fewer than 7 lines");
  AdbBackupApp app;
  if (l[0].empty() || l[0].size() > 4) {
    throw ParseError("the _manifest's first line is no manifest version");
  }
  app.package = std::string(l[1]);
  app.version_code = std::string(l[2]);
  app.platform_sdk = std::string(l[3]);
  app.installer = std::string(l[4]);
  app.has_apk = l[5] == "1";
  size_t count = 0;
  for (char c : l[6]) {
    if (c < '0' || c > '9' || count > kMaxAdbBackupSignatures) {
      throw ParseError("the _manifest's signature count is not a small "
                       "number");
    }
    count = count * 10 + static_cast<size_t>(c - '0');
  }
  if (count > kMaxAdbBackupSignatures) {
    throw ParseError("the _manifest names more than " +
                     std::to_string(kMaxAdbBackupSignatures) + " signatures");
  }
  for (size_t i = 0; i < count; ++i) {
    if (!lines.Next(one)) {
      throw ParseError("the _manifest ends before signature " +
                       std::to_string(i + 1));
    }
    const std::string der = FromHex(TrimAscii(one), "a signature");
    if (der.empty()) throw ParseError("an empty signature");
    Sha256 hash;
    hash.Update(der);
    app.cert_sha256.push_back(hash.HexDigest());
  }
  return app;
}

std::string ReadAdbBackupPayload(
    const AdbBackupHeader& header, const std::string* password,
    const std::function<size_t(char* buf, size_t n)>& read,
    const std::function<bool(std::string_view name)>& want,
    const std::function<void(AdbBackupMember)>& on_member) {
  Cipher cipher;
  if (header.encrypted) {
    if (!password) {
      throw ParseError("the backup is encrypted (AES-256); pass its password "
                       "with --password");
    }
    const MasterKey mk = UnlockMasterKey(header, *password);
    cipher = NewDecryptor(mk.key, mk.iv);
  }
  TarWalker tar(want, on_member);
  std::unique_ptr<Inflater> inflater;
  if (header.compressed) inflater = std::make_unique<Inflater>(tar);
  auto plain = [&](std::string_view data) {
    if (inflater) {
      inflater->Feed(data);
    } else {
      tar.Feed(data);
    }
  };
  std::string in(kReadBytes, '\0');
  std::string out(kReadBytes + 32, '\0');
  while (!tar.done()) {
    const size_t n = read(in.data(), in.size());
    if (n == 0) break;
    if (cipher) {
      int got = 0;
      if (EVP_DecryptUpdate(cipher.get(),
                            reinterpret_cast<unsigned char*>(out.data()), &got,
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(n)) != 1) {
        tar.Damage("the backup could not be decrypted");
        break;
      }
      plain(std::string_view(out.data(), static_cast<size_t>(got)));
    } else {
      plain(std::string_view(in.data(), n));
    }
  }
  if (cipher && !tar.done()) {
    int got = 0;
    if (EVP_DecryptFinal_ex(cipher.get(),
                            reinterpret_cast<unsigned char*>(out.data()),
                            &got) != 1) {
      tar.Damage("the encrypted payload is cut short or damaged (bad "
                 "padding)");
    } else {
      plain(std::string_view(out.data(), static_cast<size_t>(got)));
    }
  }
  tar.End();
  return tar.damage();
}

}  // namespace contraband
