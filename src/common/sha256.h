// Incremental SHA-256 (OpenSSL), for catalog digests and evidence hashes.
#pragma once

#include <string>
#include <string_view>

namespace contraband {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  /// Lower-case hex digest; the object cannot be updated afterwards.
  std::string HexDigest();

  static std::string Of(std::string_view data);

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque so OpenSSL headers stay in the .cc
};

}  // namespace contraband
