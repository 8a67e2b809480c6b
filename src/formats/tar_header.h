// One 512-byte tar header block (POSIX ustar, with GNU long names and pax
// path records), for containers read in place rather than through
// libarchive: an OVA's disks are tar members whose bytes are contiguous, so
// a VMDK inside is read at its offset without extracting it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

struct TarHeader {
  bool end = false;   ///< an all-zero block: the end of the archive
  std::string name;   ///< prefix/name as written
  uint64_t size = 0;  ///< bytes of data after the header
  char type = '0';    ///< '0' file, '5' folder, 'L' GNU long name, 'x' pax...
};

/// Parses one header block (at least 512 bytes): its checksum must hold and
/// its size be octal or GNU base-256 within 2^56. Throws ParseError.
TarHeader ParseTarHeader(std::string_view block);

/// Whether `block` starts a ustar or GNU tar (the magic at byte 257).
bool LooksLikeTar(std::string_view block);

/// The "path" value of pax extended header records ("len key=value\n"...),
/// or "" when there is none. Throws ParseError on a malformed record.
std::string PaxPath(std::string_view records);

}  // namespace contraband
