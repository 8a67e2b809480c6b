// E01 (EWF) and VHD/VHDX images read by libewf and libvhdi (EWF-E01 by our
// own reader, evidence/image/ewf_image.h, when it can walk it), but through
// file handles we open ourselves (read-only, O_NOATIME) handed to them as a
// libbfio pool or handle: left to open the files by name, the libraries
// would update the evidence's access times.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evidence/block_device.h"

namespace contraband {

struct LibyalImage {
  std::shared_ptr<BlockDevice> device;  ///< the media's bytes
  std::vector<std::string> files;       ///< the segment files, in order
};

/// The E01/Ex01 image whose first segment is `path`, with the segments
/// libewf's glob finds beside it (.E02, ...). Throws EvidenceError with
/// libewf's reason (a segment missing, a name without an .E01-style
/// extension, damage) and what to do.
LibyalImage OpenEwfImage(const std::string& path);

/// The VHD (fixed or dynamic) or VHDX at `path` (`title`: "a VHD", "a
/// VHDX", for messages). nullopt, with libvhdi's reason in `refusal`, when
/// libvhdi refuses it (the caller may read it as raw). Throws EvidenceError
/// for a differencing image (saying how to merge it) and when the file
/// cannot be opened.
std::optional<LibyalImage> OpenVhdImage(const std::string& path,
                                        const std::string& title,
                                        std::string& refusal);

}  // namespace contraband
