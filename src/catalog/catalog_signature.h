// Detached Ed25519 signatures of a catalog (catalog.sig beside its files),
// made and checked with OpenSSL. What is signed is the catalog's digest
// (signatures/README.md, "Digest"), so the signature covers every catalog
// file's path and bytes and nothing else.
#pragma once

#include <string>

namespace contraband {

/// The name of the signature file inside a signed catalog folder.
inline constexpr const char* kCatalogSignatureFile = "catalog.sig";

/// The message an Ed25519 key signs for a catalog whose digest is
/// `sha256_hex`: a fixed prefix (so the signature cannot be mistaken for one
/// over something else), the digest, a line break.
std::string CatalogSignedMessage(const std::string& sha256_hex);

/// Signs the catalog folder `dir` with the Ed25519 private key in the PEM
/// file `private_key`, writing dir/catalog.sig (64 raw bytes). Returns the
/// path written. Throws CatalogError on an unreadable catalog or key.
std::string SignCatalog(const std::string& dir, const std::string& private_key);

/// Checks dir/catalog.sig (or, for a catalog file, catalog.sig beside it)
/// against the Ed25519 public key in the PEM file `public_key`. Throws
/// CatalogError naming the signature file when it is missing or fails.
void VerifyCatalog(const std::string& path, const std::string& public_key);

}  // namespace contraband
