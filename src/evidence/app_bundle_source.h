// An app bundle folder given as evidence (Foo.app): kind "app", shown to the
// collectors where its platform keeps apps, /Applications/Foo.app, so
// macos-apps reads a Mac bundle (Contents/Info.plist, Contents/MacOS) and
// ios-apps an iPhone bundle (Info.plist and the executable at its top).
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

std::optional<OpenedEvidence> TryOpenAppBundle(const std::string& path,
                                               const OpenRequest& request);

}  // namespace contraband
