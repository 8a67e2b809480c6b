// E01 images (EWF-E01 and the EWF/SMART layout) read by our own reader:
// opening walks each segment's section descriptors (a handful per GiB) and
// a read looks up only the table entries of the chunks it touches, so time
// and memory do not grow with the image's size as they do in libewf
// 20140813, which expands the whole chunk table on open. Ex01 (EWF2) and
// L01 are left to libewf.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"

namespace contraband {

/// The media of the E01 whose segment files are `segments` (in order, .E01
/// first). nullptr, with the reason in `refusal`, when the first segment is
/// not a layout this reader knows (the caller hands it to libewf). Throws
/// EvidenceError naming the segment when the set is inconsistent (segments
/// out of order). A damaged chunk is an EvidenceError when it is read.
std::shared_ptr<BlockDevice> OpenEwfMedia(
    const std::vector<std::string>& segments, std::string& refusal);

}  // namespace contraband
