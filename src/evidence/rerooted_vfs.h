// A view of folders inside another evidence root as a root of its own: the
// drive C: of a triage collection ("uploads/auto/C%3A" in a Velociraptor
// zip, "C" in a KAPE or CyLR output) scanned like a disk. Several folders
// can make one root (Velociraptor files the same drive under each accessor
// it used: "auto", "ntfs"); the first that has a path answers for it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evidence/vfs.h"

namespace contraband {

class RerootedVfs : public Vfs {
 public:
  /// `folders` are evidence paths in `base`, in order of precedence. With
  /// `decode_names`, names stored URL-encoded ("C%3A", "$UsnJrnl%3A$J", as
  /// Velociraptor writes them) are listed and looked up decoded.
  RerootedVfs(std::shared_ptr<Vfs> base, std::vector<std::string> folders,
              bool decode_names);

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override;
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;
  bool fold_case() const override {
    return Vfs::fold_case() || base_->fold_case();
  }

 private:
  /// `path` of this root as a path of the base under `folder`, or nullopt
  /// when some component is not there.
  std::optional<std::string> InBase(const std::string& folder,
                                    std::string_view path);
  /// The base path of the regular file `path`; throws EvidenceError.
  std::string FileInBase(std::string_view path);

  std::shared_ptr<Vfs> base_;
  std::vector<std::string> folders_;
  bool decode_names_;
};

/// `name` with every "%XX" (two hex digits) replaced by its byte; anything
/// else, a lone '%' included, is kept as it is.
std::string PercentDecode(std::string_view name);

}  // namespace contraband
