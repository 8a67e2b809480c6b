#include "catalog/catalog_signature.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "catalog/catalog.h"

namespace contraband {
namespace {

constexpr size_t kEd25519SignatureBytes = 64;
constexpr size_t kMaxKeyFileBytes = 64 * 1024;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string ReadSmallFile(const std::string& path, size_t max_bytes,
                          const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CatalogError({path + ": cannot be read (" + what + ")"});
  std::string data((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (data.size() > max_bytes) {
    throw CatalogError({path + ": too large for " + std::string(what)});
  }
  return data;
}

Pkey ReadKey(const std::string& path, bool want_private) {
  std::string pem = ReadSmallFile(path, kMaxKeyFileBytes,
                                  want_private ? "an Ed25519 private key"
                                               : "an Ed25519 public key");
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = want_private
                      ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!key) {
    throw CatalogError({path + ": not a PEM " +
                        std::string(want_private ? "private" : "public") +
                        " key (make one with: openssl genpkey -algorithm "
                        "ed25519; openssl pkey -pubout)"});
  }
  Pkey owned(key);
  if (EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    throw CatalogError({path + ": not an Ed25519 key"});
  }
  return owned;
}

// The catalog's digest, over the same files `--catalog PATH` loads.
std::string DigestOf(const std::string& path) {
  Catalog c = LoadCatalog(ReadCatalogPath(path), path);
  return c.sha256;
}

std::string SignatureFileFor(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::is_directory(path, ec) ? fs::path(path)
                                            : fs::path(path).parent_path();
  return (dir / kCatalogSignatureFile).string();
}

}  // namespace

std::string CatalogSignedMessage(const std::string& sha256_hex) {
  return "contraband catalog sha256 " + sha256_hex + "\n";
}

std::string SignCatalog(const std::string& dir, const std::string& private_key) {
  Pkey key = ReadKey(private_key, /*want_private=*/true);
  const std::string message = CatalogSignedMessage(DigestOf(dir));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char sig[kEd25519SignatureBytes];
  size_t sig_len = sizeof sig;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      sig_len != kEd25519SignatureBytes) {
    throw CatalogError({private_key + ": OpenSSL could not sign with this key"});
  }
  const std::string out = SignatureFileFor(dir);
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(sig), static_cast<std::streamsize>(sig_len));
  f.close();
  if (!f) throw CatalogError({out + ": cannot be written"});
  return out;
}

void VerifyCatalog(const std::string& path, const std::string& public_key) {
  Pkey key = ReadKey(public_key, /*want_private=*/false);
  const std::string sig_path = SignatureFileFor(path);
  std::error_code ec;
  if (!std::filesystem::exists(sig_path, ec)) {
    throw CatalogError({sig_path + ": missing; the catalog is not signed "
                        "(contraband catalog sign DIR --key PRIVATE.pem)"});
  }
  const std::string sig =
      ReadSmallFile(sig_path, kEd25519SignatureBytes, "a catalog signature");
  // Any catalog error (a tampered file that no longer parses) also refuses.
  const std::string message = CatalogSignedMessage(DigestOf(path));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (sig.size() != kEd25519SignatureBytes || !ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestVerify(ctx.get(),
                       reinterpret_cast<const unsigned char*>(sig.data()),
                       sig.size(),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
    throw CatalogError({sig_path + ": the signature does not match the catalog "
                        "and the key " + public_key +
                        " (a file was changed after signing, or another key "
                        "signed it)"});
  }
}

}  // namespace contraband
