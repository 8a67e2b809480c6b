// A collector knows one installation-record format. It declares which files it
// wants; the scan core finds them in the evidence (one pass for archives) and
// hands each one over as bytes. Collectors never walk the evidence themselves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/vfs.h"
#include "scan/software.h"

namespace contraband {

/// One wanted file, read whole (within FileRequest::max_bytes).
struct EvidenceFile {
  std::string path;  ///< evidence-absolute
  std::string_view data;
  FileInfo info;
};

/// What a collector reports to. The core fills `evidence` and, when a
/// collector leaves them empty, `source` (the file being collected) and
/// `location`.
class CollectorSink {
 public:
  virtual ~CollectorSink() = default;
  /// One inventory row.
  virtual void Add(Software software) = 0;
  /// A damaged record inside an otherwise readable file: the scan goes on.
  virtual void Warn(std::string_view path, std::string message) = 0;
  /// The user name that owns evidence path `path` (a home folder), resolved
  /// through the evidence's own /etc/passwd where it has one; empty if unknown.
  virtual std::string OwnerOf(std::string_view path) = 0;
};

class Collector {
 public:
  virtual ~Collector() = default;

  /// The files this collector wants. Called once per scan.
  virtual std::vector<FileRequest> Requests() const = 0;

  /// One wanted file, in sorted path order. Throw ParseError when the file as
  /// a whole cannot be read; report damaged records with sink.Warn and go on.
  virtual void Collect(const EvidenceFile& file, CollectorSink& sink) = 0;

  /// Called after every wanted file of the evidence was handed over, for
  /// collectors that join several files (a database and its journal).
  virtual void Finish(CollectorSink& sink) { (void)sink; }
};

}  // namespace contraband
