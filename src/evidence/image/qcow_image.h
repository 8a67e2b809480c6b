// QCOW2 images (qemu's own format), read by our own reader (see
// formats/qcow2.h for why), with their chain of backing files resolved the
// way qemu does, but confined: a backing file is read only from the image's
// own folder, or from a folder the user allowed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"

namespace contraband {

struct QcowImage {
  std::shared_ptr<BlockDevice> device;  ///< the guest disk's bytes
  uint32_t version = 0;                 ///< 2 or 3
  std::vector<std::string> files;       ///< the image, then its backing files
  std::vector<std::string> warnings;    ///< marked corrupt, not closed cleanly
};

/// Opens `path`. A backing file named in the header is looked for beside the
/// image (relative names) or where it says (absolute names); it must lie in
/// the image's folder or under one of `allowed_backing_dirs` (--allow-backing).
/// A backing file is a QCOW2 image or a raw disk. Throws EvidenceError naming
/// the file and what to do when the image or a backing file cannot be opened
/// or is not allowed.
QcowImage OpenQcowImage(const std::string& path,
                        const std::vector<std::string>& allowed_backing_dirs);

}  // namespace contraband
