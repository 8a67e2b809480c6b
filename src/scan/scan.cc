#include "scan/scan.h"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "catalog/matcher.h"
#include "collectors/registry.h"
#include "common/deadline.h"
#include "evidence/archive/nested_archives.h"
#include "evidence/host/host_os.h"
#include "scan/repeated_records.h"
#include "scan/scanner.h"
#include "scan/snapshots.h"

namespace contraband {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisecondsSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0)
      .count();
}

// Files at an install location prove a product only where no package record
// does: a zoom .deb puts its files in /opt/zoom, and that is one Zoom, not
// two. Marker findings of a product that an installed package finding of the
// same volume already reports are dropped; a removed or residue package
// record leaves them, since the files are still there.
void DropMarkersOfPackagedProducts(std::vector<Finding>& found) {
  std::set<std::string> packaged;
  for (const Finding& f : found) {
    if (f.software.ecosystem != "installer" &&
        f.software.state == SoftwareState::kInstalled) {
      packaged.insert(f.product->id);
    }
  }
  std::erase_if(found, [&](const Finding& f) {
    return f.software.ecosystem == "installer" &&
           packaged.count(f.product->id) > 0;
  });
}

// A `removed` record without a removal date says only that the software was
// there once (Amcache saw it run; an install event with no removal after
// it). Where the same volume shows the product installed now, that is the
// finding; the sighting is not a second, contradicting one. Records that do
// date a removal stay: the product was removed and installed again.
void DropSightingsOfInstalledProducts(std::vector<Finding>& found) {
  std::set<std::pair<std::string, std::string>> installed;
  for (const Finding& f : found) {
    if (f.software.state == SoftwareState::kInstalled) {
      installed.insert({f.software.volume, f.product->id});
    }
  }
  std::erase_if(found, [&](const Finding& f) {
    return f.software.state == SoftwareState::kRemoved &&
           f.software.removed_at.empty() &&
           installed.count({f.software.volume, f.product->id}) > 0;
  });
}

// The collectors that read `vol`: every one, or only its platform's.
std::vector<CollectorInfo> CollectorsFor(const EvidenceVolume& vol) {
  if (vol.only_platform.empty()) return AllCollectors();
  std::vector<CollectorInfo> out;
  for (const CollectorInfo& c : AllCollectors()) {
    if (PlatformOf(c.ecosystem) == vol.only_platform) out.push_back(c);
  }
  return out;
}

// One evidence argument, opened: its volumes collected and matched into the
// report.
class EvidenceScan {
 public:
  EvidenceScan(const ScanRequest& request, const std::optional<Matcher>& matcher,
               const ScanListener& listener, Report& report)
      : request_(request), matcher_(matcher), listener_(listener),
        report_(report) {}

  void Run(const std::string& path, OpenedEvidence& ev) {
    report_.evidence.push_back({ev.path, ev.kind, ev.format, ev.size, ev.sha256, {}});
    for (const EvidenceVolume& vol : ev.volumes) {
      report_.evidence.back().volumes.push_back({vol.name, vol.chain});
    }
    for (const OpenWarning& w : ev.warnings) {
      report_.warnings.push_back({path, w.path, "evidence", w.message});
    }
    // Shadow copies come after their live volume: they add only what it
    // lost. The live volumes' installed ids are kept only when there are
    // shadow copies to compare with them.
    for (const EvidenceVolume& vol : ev.volumes) {
      if (vol.snapshot_of) has_snapshots_ = true;
    }
    for (EvidenceVolume& vol : ev.volumes) Collect(path, vol);
    const size_t first_record = report_.software.size();
    for (Software& sw : snapshots_.Removed()) Consider(std::move(sw));
    FinishVolume({}, first_record);  // digests were set when collected
  }

 private:
  // Records are matched as they are collected and then dropped unless the
  // report lists them (--inventory): memory holds the findings, not the
  // inventory.
  void Consider(Software sw) {
    ++report_.stats.software;
    if (matcher_) {
      // Leftovers are not the software itself: without --residue they stay
      // in the inventory and out of the findings.
      if (sw.state != SoftwareState::kResidue || request_.residue) {
        for (Finding& f : matcher_->Match(sw)) found_.push_back(std::move(f));
      }
    }
    if (request_.inventory) report_.software.push_back(std::move(sw));
  }

  // After one volume (or the snapshot merge): its findings join the report,
  // with the digests of the files their records came from. A volume's
  // findings are kept apart until then, for the merges below.
  void FinishVolume(const std::map<std::string, std::string>& digests,
                    size_t first_record) {
    if (request_.open.hash) {
      for (Finding& f : found_) FillSourceSha256(digests, f.software);
      for (size_t i = first_record; i < report_.software.size(); ++i) {
        FillSourceSha256(digests, report_.software[i]);
      }
    }
    MergeRepeatedRemovals(found_);
    MergeRepeatedRemovals(report_.software, first_record);
    DropMarkersOfPackagedProducts(found_);
    DropSightingsOfInstalledProducts(found_);
    for (Finding& f : found_) report_.findings.push_back(std::move(f));
    found_.clear();
  }

  void Collect(const std::string& path, EvidenceVolume& vol) {
    const size_t first_record = report_.software.size();
    uint64_t records = 0;  // for --verbose
    const CollectOptions collect{vol.name, request_.open.hash, request_.catalog};
    CollectResult got;
    if (vol.snapshot_of) {
      // Only what the live volume no longer has installed can matter.
      std::vector<Software> kept;
      got = CollectSoftware(*vol.vfs, path, CollectorsFor(vol), collect,
                            [&](Software sw) {
                              ++records;
                              if (snapshots_.MayAdd(*vol.snapshot_of, sw)) {
                                kept.push_back(std::move(sw));
                              }
                            });
      for (Software& sw : kept) FillSourceSha256(got.digests, sw);
      snapshots_.AddSnapshot(*vol.snapshot_of, vol.snapshot_time,
                             std::move(kept));
    } else {
      got = CollectSoftware(*vol.vfs, path, CollectorsFor(vol), collect,
                            [&](Software sw) {
                              ++records;
                              if (has_snapshots_) snapshots_.AddLive(vol.name, sw);
                              Consider(std::move(sw));
                            });
      FinishVolume(got.digests, first_record);
    }
    report_.stats.files_read += vol.vfs->files_read();
    report_.stats.bytes_read += vol.vfs->bytes_read();
    if (listener_.detail) {
      listener_.detail(path + (vol.name.empty() ? "" : "#" + vol.name) + " (" +
                       vol.chain + "): " + std::to_string(records) +
                       " software records from " +
                       std::to_string(vol.vfs->files_read()) + " files (" +
                       std::to_string(vol.vfs->bytes_read()) + " bytes)");
    }
    for (Warning& w : got.warnings) report_.warnings.push_back(std::move(w));
    // A snapshot's copy of getprop.txt or build.prop describes the same
    // phone as the live volume's.
    if (!vol.snapshot_of) {
      for (Device& d : got.devices) {
        report_.evidence.back().devices.push_back(std::move(d));
      }
    }
  }

  const ScanRequest& request_;
  const std::optional<Matcher>& matcher_;
  const ScanListener& listener_;
  Report& report_;
  SnapshotMerge snapshots_;
  bool has_snapshots_ = false;
  std::vector<Finding> found_;
};

}  // namespace

Report Scan(const ScanRequest& request, const ScanListener& listener) {
  const Clock::time_point t0 = Clock::now();
  std::optional<Matcher> matcher;
  if (request.match) matcher.emplace(*request.catalog, request.policies);

  Report report;
  report.tool_version = CONTRABAND_VERSION;
  report.catalog = request.catalog;
  report.matching = request.match;
  report.include_software = request.inventory;
  report.started = host::NowRfc3339();

  OpenRequest open = request.open;
  open.wanted = AllRequests(AllCollectors(), request.catalog);

  // Evidence arguments, then (with --recurse-archives) the archives found
  // inside folder evidence, which are not searched further.
  std::vector<std::pair<std::string, bool>> queue;
  for (const std::string& path : request.evidence) queue.push_back({path, false});
  if (queue.empty()) queue.push_back({"/", false});
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const std::string path = queue[qi].first;
    const bool nested = queue[qi].second;
    if (DeadlinePassed()) {
      // Not opened at all: said once for all that are left.
      for (size_t rest = qi; rest < queue.size(); ++rest) {
        report.stopped.push_back(queue[rest].first);
      }
      break;
    }
    if (listener.evidence_started) listener.evidence_started(path);
    OpenedEvidence ev;
    try {
      ev = OpenEvidence(path, open);
    } catch (const EvidenceError& e) {
      if (nested) {
        // A file named like an archive that is not one: not evidence.
        report.warnings.push_back({path, "", "evidence", e.what()});
        continue;
      }
      if (listener.unreadable) listener.unreadable(e.what());
      report.unreadable.push_back(path);
      continue;
    }
    if (request.recurse_archives && !nested &&
        (ev.kind == "directory" || ev.kind == "host")) {
      const bool slash = !path.empty() && path.back() == '/';
      const std::string base = slash ? path.substr(0, path.size() - 1) : path;
      for (const std::string& inner : FindNestedArchives(*ev.volumes[0].vfs)) {
        queue.push_back({base + inner, true});
      }
    }
    if (ev.kind == "host" && report.host.name.empty()) {
      report.host = host::ReadHostIdentity();
    }
    if (ev.kind == "adb" && report.host.name.empty()) {
      report.host = ev.live_device;
    }
    const Clock::time_point e0 = Clock::now();
    EvidenceScan(request, matcher, listener, report).Run(path, ev);
    // Read in part: the deadline passed while its files were being read.
    if (DeadlinePassed()) report.stopped.push_back(path);
    // Nothing at all could be read (every volume encrypted without a key,
    // no filesystem found): not a clean verdict.
    if (ev.volumes.empty()) {
      std::string message = "nothing in " + path + " could be read";
      for (const OpenWarning& w : ev.warnings) {
        message += "\n  " + (w.path.empty() ? "" : w.path + ": ") + w.message;
      }
      if (listener.unreadable) listener.unreadable(message);
      report.unreadable.push_back(path);
    }
    if (listener.detail) {
      listener.detail(path + " scanned in " +
                      std::to_string(MillisecondsSince(e0)) + " ms");
    }
  }

  report.finished = host::NowRfc3339();
  report.stats.findings = report.findings.size();
  report.stats.duration_ms = static_cast<uint64_t>(MillisecondsSince(t0));
  report.Canonicalize();
  return report;
}

}  // namespace contraband
