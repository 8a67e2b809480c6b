// freedesktop.org Desktop Entry files (.desktop): the launchers desktops
// show. Software unpacked by hand (Telegram's tarball, a Zoom script) often
// leaves only a launcher whose Exec names its binary.
#pragma once

#include <string>
#include <string_view>

namespace contraband {

struct DesktopEntry {
  std::string name;  ///< Name (the untranslated one)
  std::string exec;  ///< Exec, as written
  std::string type;  ///< Application, Link, Directory
  bool hidden = false;
  /// The program Exec runs: its first word, with quoting and escapes
  /// removed ("/opt/Telegram/Telegram" from `"/opt/Telegram/Telegram" -- %u`).
  std::string Program() const;
};

/// Parses the [Desktop Entry] group of `text`. Lines outside it, comments
/// and localised keys (Name[de]) are ignored. Throws ParseError when there is
/// no [Desktop Entry] group or the file is over 1 MiB.
DesktopEntry ParseDesktopEntry(std::string_view text);

}  // namespace contraband
