// A collector knows one installation-record format. It declares which files it
// wants; the scan core finds them in the evidence (one pass for archives) and
// hands each one over as bytes. Collectors never walk the evidence themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/vfs.h"
#include "scan/device.h"
#include "scan/software.h"

namespace contraband {

/// One wanted file: read whole (within FileRequest::max_bytes) into `data`,
/// or, for a FileRequest::stream request, read only when the collector calls
/// ReadChunks, or, for a FileRequest::ranges request, read in the parts the
/// collector asks for with read_at.
struct EvidenceFile {
  std::string path;       ///< evidence-absolute
  std::string_view data;  ///< empty when streamed
  FileInfo info;
  /// Set by the scan core for a streamed file: reads it from the evidence.
  std::function<void(const ChunkConsumer&)> stream;
  /// Set by the scan core for a FileRequest::ranges file: up to `length`
  /// bytes at `offset` (fewer at the end of the file, none past it), read
  /// from the evidence on each call (Vfs::ReadRange) and counted in the
  /// report's bytes_read. Throws EvidenceError; the collector bounds
  /// `length` and the number of calls.
  /// (Defaulted, so code that lists the fields before it still compiles
  /// warning-free.)
  std::function<std::string(uint64_t offset, uint64_t length)> read_at =
      nullptr;

  /// The file's bytes handed to `consume` in order, in pieces that may end
  /// anywhere (inside a line, inside a UTF-8 sequence): read from the
  /// evidence as it goes for a streamed file, else `data` as one piece. Call
  /// at most once. Throws EvidenceError when the evidence cannot be read
  /// (the scan core reports it); exceptions from `consume` propagate.
  void ReadChunks(const ChunkConsumer& consume) const {
    if (stream) {
      stream(consume);
    } else if (!data.empty()) {
      consume(data);
    }
  }
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
  /// What the evidence says about the device it came from (the core fills
  /// `volume`, and `source` when empty); for the report's evidence summary,
  /// not an inventory row.
  virtual void Describe(Device device) { (void)device; }
};

class Collector {
 public:
  virtual ~Collector() = default;

  /// The files this collector wants. Called once per scan.
  virtual std::vector<FileRequest> Requests() const = 0;

  /// One wanted file, in sorted path order. Throw ParseError when the file as
  /// a whole cannot be read; report damaged records with sink.Warn and go on.
  /// A collector that asked for FileRequest::stream reads the file through
  /// file.ReadChunks and hands each record to the sink as soon as it is
  /// complete; the core then never holds the file, nor (unless the report
  /// lists every record) its records.
  virtual void Collect(const EvidenceFile& file, CollectorSink& sink) = 0;

  /// Called after every wanted file of the evidence was handed over, for
  /// collectors that join several files (a database and its journal).
  virtual void Finish(CollectorSink& sink) { (void)sink; }
};

}  // namespace contraband
