// One event seen by two record files is one finding, not two: apt's
// history.log and dpkg's own dpkg.log both log the removal of a package, and
// both history collectors report it. Such records are merged into one that
// names every file that proves it.
#pragma once

#include <cstddef>
#include <vector>

#include "catalog/matcher.h"
#include "scan/software.h"

namespace contraband {

/// Merges removed records of one volume that name the same software
/// (evidence, volume, ecosystem, id) but come from different files: the
/// record whose source sorts first stays, fields it lacks (version, arch,
/// dates) are taken from the others, and their files go to also_sources.
/// Only records from index `first` on are looked at (one volume's, at the
/// end of a report's inventory).
void MergeRepeatedRemovals(std::vector<Software>& records, size_t first = 0);

/// The same for findings: merged when they also name the same product.
void MergeRepeatedRemovals(std::vector<Finding>& findings);

}  // namespace contraband
