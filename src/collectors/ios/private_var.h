// iOS keeps its data under /private/var, /var being a link to it, and an
// extraction normally keeps that layout ("private/var/containers/...").
// Some tools strip "private/" and write var/containers/..., var/mobile/...,
// var/installd/... at the top instead. The iOS collectors ask for
// /private/var paths; wrapped in WithPrivateVarAlias, a collector also gets
// the same files under /var:
//   - in evidence with /private/var (where /var, if there, is the link),
//     a /var file is the /private/var one seen again through the link:
//     dropped, so nothing is reported twice;
//   - in evidence without it, the /var files are handed to the collector as
//     /private/var paths, and every path it reports (source, location,
//     also_sources, warnings) is written back as the /var path the evidence
//     has: nothing points at a file that is not there.
#pragma once

#include <memory>

#include "collectors/collector.h"

namespace contraband {

std::unique_ptr<Collector> WithPrivateVarAlias(std::unique_ptr<Collector> inner);

}  // namespace contraband
