// Files an image names inside itself (a QCOW2 backing file, a VMDK's extent
// files and parent) are read only from the image's own folder or from a
// folder the user allowed with --allow-backing: a hostile image must not
// make the scan read /etc/shadow or a device.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace contraband {

/// The image's own folder, then each of `allow_backing`, made canonical.
std::vector<std::filesystem::path> AllowedImageDirs(
    const std::string& image_path,
    const std::vector<std::string>& allow_backing);

/// Where file `name`, recorded in image `image_path` as its `role` ("parent",
/// "extent file"), is on the host: relative names from the image's folder,
/// absolute ones as they are. Throws EvidenceError, naming `title` ("VMDK
/// image /x/disk.vmdk"), the name and what to do, when it is missing, lies
/// outside every folder of `allowed`, or is already in `chain` (a loop).
std::filesystem::path ConfinedPath(
    const std::string& image_path, const std::string& name,
    const std::vector<std::filesystem::path>& allowed,
    const std::vector<std::string>& chain, const std::string& title,
    const std::string& role);

}  // namespace contraband
