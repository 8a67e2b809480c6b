// Scheduled runs want differences (as osquery's scheduled queries log only
// added and removed rows): --baseline LAST.json marks each finding "new" or
// "unchanged" against an earlier JSON report and lists the earlier findings
// that are gone as "resolved".
#pragma once

#include <stdexcept>
#include <string>

#include "report/report.h"

namespace contraband {

/// The baseline file is not a contraband/report/v1 JSON report.
class BaselineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Compares `report`'s findings with those of the JSON report `baseline`
/// (its text; `path` names it in errors). A finding is the same one when
/// product, ecosystem, software id, evidence, volume, record file, record
/// key, user and state are equal; a new version of the same software is
/// "unchanged". Sets each Finding::baseline, Report::resolved and
/// Report::baseline_path. Throws BaselineError saying what is wrong.
void ApplyBaseline(const std::string& path, const std::string& baseline,
                   Report& report);

}  // namespace contraband
