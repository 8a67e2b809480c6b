#include "evidence/archive/decompress_pipeline.h"

#include <zlib.h>
#include <zstd.h>

#include <memory>

#include "evidence/vfs.h"

namespace contraband {

StreamCodec SniffCodec(std::string_view head) {
  if (head.size() >= 4 && head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4))
    return StreamCodec::kZstd;
  // gzip: magic, then method 8 (deflate), the only one gzip defines.
  if (head.size() >= 3 && head.substr(0, 3) == std::string_view("\x1f\x8b\x08", 3))
    return StreamCodec::kGzip;
  return StreamCodec::kNone;
}

const char* CodecSuffix(StreamCodec codec) {
  switch (codec) {
    case StreamCodec::kZstd:
      return "zst";
    case StreamCodec::kGzip:
      return "gz";
    case StreamCodec::kNone:
      break;
  }
  return "";
}

DecompressPipeline::DecompressPipeline(host::InputFile& file, StreamCodec codec,
                                       Sha256* hash)
    : file_(file), codec_(codec), hash_(hash) {
  for (Block& b : blocks_) free_.push_back(&b);
  thread_ = std::thread([this] { Run(); });
}

DecompressPipeline::~DecompressPipeline() { Stop(); }

void DecompressPipeline::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string_view DecompressPipeline::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  if (held_) {
    held_->size = 0;
    free_.push_back(held_);
    held_ = nullptr;
    cv_.notify_all();
  }
  cv_.wait(lock, [this] { return !full_.empty() || done_; });
  if (full_.empty()) return {};
  held_ = full_.front();
  full_.pop_front();
  return {held_->bytes.data(), held_->size};
}

std::string DecompressPipeline::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

std::string DecompressPipeline::io_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return io_error_;
}

DecompressPipeline::Block* DecompressPipeline::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty() || stopping_; });
  if (stopping_) return nullptr;
  Block* b = free_.front();
  free_.pop_front();
  b->size = 0;
  return b;
}

void DecompressPipeline::Publish(Block* b) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // An empty block would read as the end of the stream.
    if (b->size == 0) {
      free_.push_back(b);
      return;
    }
    full_.push_back(b);
  }
  cv_.notify_all();
}

void DecompressPipeline::Finish(std::string error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    if (error_.empty()) error_ = std::move(error);
  }
  cv_.notify_all();
}

bool DecompressPipeline::ReadInput(std::vector<char>& in, size_t* n) {
  try {
    *n = file_.Read(in.data(), in.size());
  } catch (const EvidenceError& e) {
    std::lock_guard<std::mutex> lock(mu_);
    io_error_ = e.what();
    return false;
  }
  if (hash_) hash_->Update({in.data(), *n});
  read_.fetch_add(*n, std::memory_order_relaxed);
  return true;
}

void DecompressPipeline::Run() {
  try {
    if (codec_ == StreamCodec::kZstd) DecodeZstd();
    if (codec_ == StreamCodec::kGzip) DecodeGzip();
  } catch (const std::exception& e) {  // allocation failure: end the stream
    Finish(e.what());
  }
  Finish("");
}

void DecompressPipeline::DecodeZstd() {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(),
                                                         ZSTD_freeDCtx);
  if (!ctx) return Finish("zstd: out of memory");
  std::vector<char> in(kBlockBytes);
  ZSTD_inBuffer src{in.data(), 0, 0};
  Block* out = Acquire();
  size_t pending = 0;  // non-zero: a frame is not finished
  while (out) {
    if (src.pos == src.size) {
      size_t n = 0;
      if (!ReadInput(in, &n)) {
        Publish(out);
        return Finish("read error: " + io_error());
      }
      if (n == 0) {
        Publish(out);
        if (pending != 0) {
          return Finish("zstd: the compressed stream ends inside a frame "
                        "(the file is truncated)");
        }
        return;
      }
      src = {in.data(), n, 0};
    }
    ZSTD_outBuffer dst{out->bytes.data(), out->bytes.size(), out->size};
    pending = ZSTD_decompressStream(ctx.get(), &dst, &src);
    out->size = dst.pos;
    if (ZSTD_isError(pending)) {
      Publish(out);
      return Finish(std::string("zstd: ") + ZSTD_getErrorName(pending));
    }
    if (out->size == out->bytes.size()) {
      Publish(out);
      out = Acquire();
    }
  }
}

void DecompressPipeline::DecodeGzip() {
  z_stream z{};
  if (inflateInit2(&z, 16 + 15) != Z_OK) return Finish("gzip: out of memory");
  std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, inflateEnd);
  std::vector<char> in(kBlockBytes);
  Block* out = Acquire();
  bool eof = false;
  // Refills the input when it is used up; false after a read error, which
  // has been reported with what was decoded so far.
  auto refill = [&]() {
    if (z.avail_in != 0 || eof) return true;
    size_t n = 0;
    if (!ReadInput(in, &n)) {
      Publish(out);
      Finish("read error: " + io_error());
      return false;
    }
    eof = n == 0;
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(n);
    return true;
  };
  while (out) {
    if (!refill()) return;
    z.next_out = reinterpret_cast<Bytef*>(out->bytes.data() + out->size);
    z.avail_out = static_cast<uInt>(out->bytes.size() - out->size);
    const int rc = inflate(&z, Z_NO_FLUSH);
    out->size = out->bytes.size() - z.avail_out;
    if (rc == Z_STREAM_END) {
      // gzip files may hold several members, one after the other; bytes
      // after the last that are not a member are ignored, as gzip does.
      if (!refill()) return;
      if (z.avail_in == 0 || z.next_in[0] != 0x1f) {
        Publish(out);
        return;
      }
      inflateReset(&z);
    } else if (rc == Z_BUF_ERROR && z.avail_in == 0 && eof) {
      Publish(out);
      return Finish("gzip: the compressed stream ends early (the file is truncated)");
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      Publish(out);
      return Finish(std::string("gzip: ") + (z.msg ? z.msg : "damaged data"));
    }
    if (out->size == out->bytes.size()) {
      Publish(out);
      out = Acquire();
    }
  }
}

}  // namespace contraband
