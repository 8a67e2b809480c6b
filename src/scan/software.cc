#include "scan/software.h"

namespace contraband {

std::string_view ToString(SoftwareState state) {
  switch (state) {
    case SoftwareState::kInstalled:
      return "installed";
    case SoftwareState::kRemoved:
      return "removed";
    case SoftwareState::kResidue:
      return "residue";
  }
  return "installed";
}

}  // namespace contraband
