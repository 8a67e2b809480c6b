// `contraband scan` and `contraband inventory`: open each evidence argument,
// collect, match, report, and turn the outcome into the exit code.
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/app.h"
#include "cli/options.h"
#include "collectors/registry.h"
#include "evidence/host/host_os.h"
#include "evidence/archive/nested_archives.h"
#include "evidence/source.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "scan/snapshots.h"

namespace contraband {

const Catalog& SelectCatalog(const GlobalOptions& opts) {
  if (opts.catalogs.empty()) return EmbeddedCatalog();
  static Catalog loaded;  // lives for the process, like the embedded one
  std::vector<CatalogFile> files;
  std::string source;
  for (const std::string& path : opts.catalogs) {
    for (CatalogFile& f : ReadCatalogPath(path)) {
      // Keep files of different catalog roots apart in the digest.
      if (opts.catalogs.size() > 1) f.path = path + "/" + f.path;
      files.push_back(std::move(f));
    }
    source += (source.empty() ? "" : ",") + path;
  }
  loaded = LoadCatalog(files, source);
  return loaded;
}

bool EmitOutput(const GlobalOptions& opts, const std::string& text) {
  if (opts.output.empty()) {
    if (!opts.quiet) std::cout << text << std::flush;
    return true;
  }
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "contraband: cannot write the report to " << opts.output
              << "; check the folder exists and is writable\n";
    return false;
  }
  return true;
}

namespace {

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

// The keys for encrypted volumes, in the order they are tried: recovery
// keys, passwords, key files. A key file that cannot be read is a usage
// error: the user named it, and scanning without it would mislead.
bool AddVolumeKeys(const ScanOptions& opts, OpenRequest& request) {
  using Kind = VolumeKey::Kind;
  for (size_t i = 0; i < opts.recovery_keys.size(); ++i) {
    request.keys.push_back({Kind::kRecoveryKey, opts.recovery_keys[i],
                            "--recovery-key #" + std::to_string(i + 1)});
  }
  for (size_t i = 0; i < opts.passwords.size(); ++i) {
    request.keys.push_back({Kind::kPassword, opts.passwords[i],
                            "--password #" + std::to_string(i + 1)});
  }
  // cryptsetup's own default bound on a key file.
  constexpr uint64_t kMaxKeyFileBytes = 8u << 20;
  for (const std::string& path : opts.key_files) {
    try {
      host::InputFile file(path);
      if (file.size() > kMaxKeyFileBytes) {
        std::cerr << "contraband: key file " << path << " is larger than 8 MiB;"
                  << " is it the right file?\n";
        return false;
      }
      std::string bytes(file.size(), '\0');
      bytes.resize(file.ReadAt(bytes.data(), bytes.size(), 0));
      request.keys.push_back({Kind::kKeyFile, bytes, "--key-file " + path});
    } catch (const EvidenceError& e) {
      std::cerr << "contraband: key file cannot be read: " << e.what() << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int RunScan(const GlobalOptions& global, const ScanOptions& opts) {
  const auto t0 = std::chrono::steady_clock::now();
  const Catalog* catalog = nullptr;
  std::optional<Matcher> matcher;
  try {
    catalog = &SelectCatalog(global);
    if (opts.match) matcher.emplace(*catalog, opts.policies);
  } catch (const CatalogError& e) {
    std::cerr << "contraband: the catalog cannot be used:\n" << e.what() << "\n";
    return kExitUsage;
  }

  Report report;
  report.tool_version = CONTRABAND_VERSION;
  report.catalog = catalog;
  report.matching = opts.match;
  report.include_software = opts.inventory;
  report.started = host::NowRfc3339();

  const bool show_progress =
      !global.quiet && !opts.no_progress &&
      (opts.progress || host::StderrIsTerminal());
  std::vector<std::string> evidence = opts.evidence;
  if (evidence.empty()) evidence.push_back("/");

  OpenRequest request;
  if (!AddVolumeKeys(opts, request)) return kExitUsage;
  request.shadow_copies = opts.shadow_copies;
  request.allow_backing = opts.allow_backing;
  request.as_kind = opts.as_kind;
  request.wanted = AllRequests(AllCollectors(), catalog);
  request.hash = opts.hash;
  std::string progress_label;
  if (show_progress) {
    request.progress = [&progress_label](uint64_t done, uint64_t total) {
      std::cerr << "\rcontraband: " << progress_label << ": " << (done >> 20)
                << " of " << (total >> 20) << " MiB read";
      if (total > 0) std::cerr << " (" << done * 100 / total << "%)";
      std::cerr << "   " << std::flush;
    };
  }

  bool evidence_failed = false;
  // Evidence arguments, then (with --recurse-archives) the archives found
  // inside folder evidence, which are not searched further.
  std::vector<std::pair<std::string, bool>> queue;
  for (const std::string& path : evidence) queue.push_back({path, false});
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const std::string path = queue[qi].first;
    const bool nested = queue[qi].second;
    OpenedEvidence ev;
    progress_label = path;
    try {
      ev = OpenEvidence(path, request);
    } catch (const EvidenceError& e) {
      if (nested) {
        // A file named like an archive that is not one: not evidence.
        report.warnings.push_back({path, "", "evidence", e.what()});
        continue;
      }
      std::cerr << "contraband: " << e.what() << "\n";
      evidence_failed = true;
      report.unreadable.push_back(path);
      continue;
    }
    if (opts.recurse_archives && !nested &&
        (ev.kind == "directory" || ev.kind == "host")) {
      for (const std::string& inner : FindNestedArchives(*ev.volumes[0].vfs)) {
        const bool slash = !path.empty() && path.back() == '/';
        queue.push_back({(slash ? path.substr(0, path.size() - 1) : path) + inner,
                         true});
      }
    }
    if (show_progress) std::cerr << "contraband: scanning " << path << " ...\r";
    const auto e0 = std::chrono::steady_clock::now();
    report.evidence.push_back({ev.path, ev.kind, ev.format, ev.size, ev.sha256, {}});
    for (const EvidenceVolume& vol : ev.volumes) {
      report.evidence.back().volumes.push_back({vol.name, vol.chain});
    }
    for (const OpenWarning& w : ev.warnings) {
      report.warnings.push_back({path, w.path, "evidence", w.message});
    }
    // Shadow copies come after their live volume: they add only what it
    // lost. The live volumes' installed ids are kept only when there are
    // shadow copies to compare with them.
    SnapshotMerge snapshots;
    bool has_snapshots = false;
    for (const EvidenceVolume& vol : ev.volumes) {
      if (vol.snapshot_of) has_snapshots = true;
    }
    // Records are matched as they are collected and then dropped unless
    // the report lists them (--inventory): memory holds the findings, not
    // the inventory. A volume's findings are kept apart until it is done,
    // for DropMarkersOfPackagedProducts and the digests of --hash.
    std::vector<Finding> found;
    auto consider = [&](Software sw) {
      ++report.stats.software;
      if (matcher) {
        // Leftovers are not the software itself: without --residue they
        // stay in the inventory and out of the findings.
        if (sw.state != SoftwareState::kResidue || opts.residue) {
          for (Finding& f : matcher->Match(sw)) found.push_back(std::move(f));
        }
      }
      if (opts.inventory) report.software.push_back(std::move(sw));
    };
    // After one volume (or the snapshot merge): its findings join the
    // report, with the digests of the files their records came from.
    auto finish_volume = [&](const std::map<std::string, std::string>& digests,
                             size_t first_record) {
      if (opts.hash) {
        for (Finding& f : found) FillSourceSha256(digests, f.software);
        for (size_t i = first_record; i < report.software.size(); ++i) {
          FillSourceSha256(digests, report.software[i]);
        }
      }
      DropMarkersOfPackagedProducts(found);
      for (Finding& f : found) report.findings.push_back(std::move(f));
      found.clear();
    };
    for (EvidenceVolume& vol : ev.volumes) {
      const size_t first_record = report.software.size();
      uint64_t records = 0;  // for --verbose
      const CollectOptions collect{vol.name, opts.hash, catalog};
      CollectResult got;
      if (vol.snapshot_of) {
        // Only what the live volume no longer has installed can matter.
        std::vector<Software> kept;
        got = CollectSoftware(*vol.vfs, path, AllCollectors(), collect,
                              [&](Software sw) {
                                ++records;
                                if (snapshots.MayAdd(*vol.snapshot_of, sw)) {
                                  kept.push_back(std::move(sw));
                                }
                              });
        for (Software& sw : kept) FillSourceSha256(got.digests, sw);
        snapshots.AddSnapshot(*vol.snapshot_of, vol.snapshot_time,
                              std::move(kept));
      } else {
        got = CollectSoftware(*vol.vfs, path, AllCollectors(), collect,
                              [&](Software sw) {
                                ++records;
                                if (has_snapshots) {
                                  snapshots.AddLive(vol.name, sw);
                                }
                                consider(std::move(sw));
                              });
        finish_volume(got.digests, first_record);
      }
      report.stats.files_read += vol.vfs->files_read();
      report.stats.bytes_read += vol.vfs->bytes_read();
      if (global.verbose) {
        std::cerr << "contraband: " << path
                  << (vol.name.empty() ? "" : "#" + vol.name) << " ("
                  << vol.chain << "): " << records << " software records from "
                  << vol.vfs->files_read() << " files ("
                  << vol.vfs->bytes_read() << " bytes)\n";
      }
      for (Warning& w : got.warnings) report.warnings.push_back(std::move(w));
    }
    {
      const size_t first_record = report.software.size();
      for (Software& sw : snapshots.Removed()) consider(std::move(sw));
      finish_volume({}, first_record);  // digests were set when collected
    }
    // Nothing at all could be read (every volume encrypted without a key,
    // no filesystem found): not a clean verdict.
    if (ev.volumes.empty()) {
      std::cerr << "contraband: nothing in " << path << " could be read";
      for (const OpenWarning& w : ev.warnings) {
        std::cerr << "\n  " << (w.path.empty() ? "" : w.path + ": ")
                  << w.message;
      }
      std::cerr << "\n";
      evidence_failed = true;
      report.unreadable.push_back(path);
    }
    if (global.verbose) {
      std::cerr << "contraband: " << path << " scanned in "
                << std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - e0)
                       .count()
                << " ms\n";
    }
  }
  if (show_progress) std::cerr << "\r" << std::string(72, ' ') << "\r";

  report.finished = host::NowRfc3339();
  report.stats.findings = report.findings.size();
  report.stats.duration_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - t0)
          .count());
  report.Canonicalize();

  if (report.evidence.empty()) return kExitEvidence;  // nothing could be read
  std::ostringstream text;
  WriteReport(report, *ParseReportFormat(global.format), text);
  if (!EmitOutput(global, text.str())) return kExitUsage;
  // Every argument must have been read for a clean verdict: a script told
  // "0" must be able to trust that all of its evidence was looked at.
  if (evidence_failed) return kExitEvidence;
  return report.HasInstalledFinding() ? kExitBanned : kExitClean;
}

}  // namespace contraband
