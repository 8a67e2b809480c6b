// Disk images as evidence, read in place through The Sleuth Kit: raw/dd (also
// split .001, .002, ...), E01 (EWF), VHD and VHDX (libewf, libvhdi), VMDK and
// the VMDK of an OVA, QCOW2 (our readers); every image file opened by us,
// O_NOATIME; MBR (with nested extended partitions) and GPT tables, or one
// bare filesystem.
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

/// Opens `path` as a disk image, one EvidenceVolume per allocated partition
/// that holds a filesystem TSK reads ("p1", "p2", ... in table order) or one
/// volume named "" for an image of a bare filesystem. Returns nullopt when
/// the file is not an image: a container format is recognised by its magic;
/// a raw file only when TSK finds a partition table or a filesystem in it,
/// and a bare ISO 9660 filesystem only with --as disk-image (the archive
/// opener reads it with its Rock Ridge and Joliet names).
/// Damaged tables, unreadable partitions and truncated images are
/// OpenWarnings; the rest is still scanned. Throws EvidenceError when a file
/// that is plainly an E01/VMDK/VHD cannot be opened (a missing segment).
std::optional<OpenedEvidence> TryOpenDiskImage(const std::string& path,
                                               const OpenRequest& request);

}  // namespace contraband
