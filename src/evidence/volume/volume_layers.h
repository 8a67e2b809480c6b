// The layers between a disk and its filesystems that The Sleuth Kit does not
// read, stacked in any order the disk uses: BitLocker and LUKS encryption,
// LVM, APFS containers, XFS, and (with --shadow-copies) the snapshots of an
// NTFS volume. Whatever is not one of them goes to TSK.
#pragma once

#include <memory>
#include <string>

#include "evidence/block_device.h"
#include "evidence/source.h"

namespace contraband {

/// Whether `device` starts with a layer that ExploreDevice, not TSK, must
/// open (encryption, LVM, APFS, XFS).
bool HasNonTskLayer(BlockDevice& device);

/// Opens what `device` holds and adds a volume to `ev` for every filesystem
/// inside it. `name` is the volume's name so far ("p2"; "" for a bare
/// volume), which logical volumes replace ("vg0/root") and APFS volumes and
/// snapshots extend ("p2/apfs1", "p2/vss1"); `chain` is the layers above it
/// ("qcow2 > gpt"). What cannot be opened (no key, damaged metadata, no
/// filesystem) is a warning on that volume; nesting is bounded.
void ExploreDevice(std::shared_ptr<BlockDevice> device, const std::string& name,
                   const std::string& chain, const OpenRequest& request,
                   OpenedEvidence& ev, int depth = 0);

/// With --shadow-copies: every snapshot of the NTFS volume `name` on `device`
/// becomes a volume "<name>/vssN" with chain "<chain> > vss".
void AddShadowCopies(std::shared_ptr<BlockDevice> device,
                     const std::string& name, const std::string& chain,
                     OpenedEvidence& ev);

/// Adds a warning when the root folder of `vfs` cannot be listed: such a
/// filesystem yields nothing, and must not look silently empty.
void CheckRoot(Vfs& vfs, const std::string& volume,
               std::vector<OpenWarning>& warnings);

}  // namespace contraband
