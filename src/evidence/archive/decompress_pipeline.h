// The first stage of a two-stage archive read: a thread that reads a
// compressed container (zstd or gzip), hashes and counts the bytes it reads,
// and decompresses them into a few reused fixed-size blocks handed through a
// bounded queue to the caller's thread, which parses the tar stream. On a
// machine with two cores the tar parsing and name matching then cost no
// wall time beside the decompression, and memory is the blocks, whatever the
// size of the archive.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/sha256.h"
#include "evidence/host/host_os.h"

namespace contraband {

/// The compressions the pipeline decodes itself (others go to libarchive).
enum class StreamCodec { kNone, kZstd, kGzip };

/// The codec whose magic `head` starts with.
StreamCodec SniffCodec(std::string_view head);
/// "zst", "gz": the suffix a format name gets.
const char* CodecSuffix(StreamCodec codec);

class DecompressPipeline {
 public:
  static constexpr size_t kBlockBytes = 256 << 10;
  static constexpr size_t kBlocks = 8;

  /// Starts decompressing `file` from its current position. `hash`, when
  /// set, receives every byte read from the file, in order; it and `file`
  /// belong to the pipeline's thread until Stop returns.
  DecompressPipeline(host::InputFile& file, StreamCodec codec, Sha256* hash);
  ~DecompressPipeline();
  DecompressPipeline(const DecompressPipeline&) = delete;
  DecompressPipeline& operator=(const DecompressPipeline&) = delete;

  /// The next decompressed block, valid until the next call; empty at the
  /// end of the stream (then error() says whether it ended badly).
  std::string_view Next();
  /// Stops the thread and waits for it. Afterwards the file's position is
  /// just past the last byte read (and hashed), so a caller can go on
  /// reading the rest of the file itself.
  void Stop();

  /// Compressed bytes read so far (progress).
  uint64_t bytes_read() const { return read_.load(std::memory_order_relaxed); }
  /// Why the stream ended early: damaged, truncated (empty when it did not).
  std::string error() const;
  /// A read error of the file itself (also reported through error()).
  std::string io_error() const;

 private:
  struct Block {
    std::vector<char> bytes = std::vector<char>(kBlockBytes);
    size_t size = 0;
  };
  void Run();
  bool ReadInput(std::vector<char>& in, size_t* n);
  void DecodeZstd();
  void DecodeGzip();
  Block* Acquire();       ///< a free block, or null when stopping
  void Publish(Block* b);  ///< hands a filled block to the consumer
  void Finish(std::string error);

  host::InputFile& file_;
  StreamCodec codec_;
  Sha256* hash_;
  std::atomic<uint64_t> read_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Block> blocks_ = std::vector<Block>(kBlocks);
  std::deque<Block*> free_, full_;
  Block* held_ = nullptr;  ///< the block the consumer is reading
  bool done_ = false, stopping_ = false;
  std::string error_, io_error_;
  std::thread thread_;
};

}  // namespace contraband
