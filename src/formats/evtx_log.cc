#include "formats/evtx_log.h"

#include <libbfio.h>
#include <libevtx.h>

#include <algorithm>
#include <memory>

#include "common/libyal_error.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

std::string EvtxError(libevtx_error_t*& e) {
  return TakeYalError(e, &libevtx_error_sprint, &libevtx_error_free);
}
std::string BfioError(libbfio_error_t*& e) {
  return TakeYalError(e, &libbfio_error_sprint, &libbfio_error_free);
}

struct FileCloser {
  void operator()(libevtx_file_t* f) const {
    libevtx_file_close(f, nullptr);
    libevtx_file_free(&f, nullptr);
  }
};
struct HandleFree {
  void operator()(libbfio_handle_t* h) const { libbfio_handle_free(&h, nullptr); }
};
struct RecordFree {
  void operator()(libevtx_record_t* r) const { libevtx_record_free(&r, nullptr); }
};

// `text` cut to at most `limit` bytes, at a UTF-8 character boundary.
void CutUtf8(std::string& text, size_t limit) {
  if (text.size() <= limit) return;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
}

// A UTF-8 string of a record through libevtx's size/get pair (`args` are
// the arguments before the size or buffer, such as a string's index), at
// most `limit` bytes kept into `out`: 1 read, 0 the record has none, -1
// libevtx failed (its message in `why`).
template <typename SizeFn, typename GetFn, typename... Args>
int Utf8(libevtx_record_t* record, SizeFn size_fn, GetFn get_fn, size_t limit,
         std::string& out, std::string& why, Args... args) {
  out.clear();
  libevtx_error_t* err = nullptr;
  size_t size = 0;
  const int has = size_fn(record, args..., &size, &err);
  if (has != 1) {
    if (has < 0) why = EvtxError(err);
    return has < 0 ? -1 : 0;
  }
  // libevtx writes the whole string, so the buffer is its whole size; a
  // record lies in one 64 KiB chunk, so a real one is far smaller.
  if (size <= 1) return 0;
  if (size > (1u << 20)) {
    why = "a string of " + std::to_string(size) + " bytes";
    return -1;
  }
  out.assign(size, '\0');
  if (get_fn(record, args..., reinterpret_cast<uint8_t*>(out.data()), size,
             &err) != 1) {
    why = EvtxError(err);
    out.clear();
    return -1;
  }
  out.resize(std::min(out.size(), out.find('\0')));
  CutUtf8(out, limit);
  return 1;
}

}  // namespace

EvtxReadResult ReadEvtx(std::string_view bytes,
                        const std::function<bool(std::string_view)>& want,
                        const std::function<void(EvtxEvent)>& on_event,
                        const EvtxLimits& limits) {
  EvtxReadResult result;
  libbfio_error_t* berr = nullptr;
  libbfio_handle_t* raw_handle = nullptr;
  if (libbfio_memory_range_initialize(&raw_handle, &berr) != 1) {
    throw ParseError("libbfio: " + BfioError(berr));
  }
  std::unique_ptr<libbfio_handle_t, HandleFree> handle(raw_handle);
  // libbfio reads, never writes, through a read-only handle.
  if (libbfio_memory_range_set(
          handle.get(),
          reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
          bytes.size(), &berr) != 1) {
    throw ParseError("libbfio: " + BfioError(berr));
  }
  libevtx_error_t* err = nullptr;
  libevtx_file_t* raw_file = nullptr;
  if (libevtx_file_initialize(&raw_file, &err) != 1) {
    throw ParseError("libevtx: " + EvtxError(err));
  }
  if (libevtx_file_open_file_io_handle(raw_file, handle.get(),
                                       LIBEVTX_OPEN_READ, &err) != 1) {
    libevtx_file_free(&raw_file, nullptr);
    throw ParseError("not an event log libevtx can open (" + EvtxError(err) +
                     ")");
  }
  std::unique_ptr<libevtx_file_t, FileCloser> file(raw_file);
  int count = 0;
  if (libevtx_file_get_number_of_records(file.get(), &count, &err) != 1) {
    throw ParseError("libevtx cannot count the records (" + EvtxError(err) +
                     ")");
  }
  result.records = count > 0 ? static_cast<size_t>(count) : 0;
  size_t to_read = result.records;
  if (to_read > limits.max_records) {
    result.problems.push_back(std::to_string(result.records) +
                              " records; only the first " +
                              std::to_string(limits.max_records) +
                              " are read");
    to_read = limits.max_records;
  }
  // libevtx 20181227 leaks the partly parsed XML of a damaged record
  // (found by fuzz_evtx): after this many damaged records the rest of the
  // log is not read, so a hostile log cannot grow memory without bound.
  constexpr size_t kMaxDamaged = 1000;
  constexpr size_t kListedDamage = 20;
  size_t damaged = 0;
  auto damage = [&](int index, const std::string& why) {
    if (++damaged <= kListedDamage) {
      result.problems.push_back("record " + std::to_string(index) +
                                " cannot be read (" + why + ")");
    }
  };
  for (size_t i = 0; i < to_read && damaged < kMaxDamaged; ++i) {
    const int index = static_cast<int>(i);
    std::string why;
    libevtx_record_t* raw_record = nullptr;
    if (libevtx_file_get_record_by_index(file.get(), index, &raw_record,
                                         &err) != 1) {
      damage(index, EvtxError(err));
      continue;
    }
    std::unique_ptr<libevtx_record_t, RecordFree> record(raw_record);
    EvtxEvent event;
    if (Utf8(record.get(), &libevtx_record_get_utf8_source_name_size,
             &libevtx_record_get_utf8_source_name, limits.max_string,
             event.provider, why) < 0) {
      damage(index, why);
      continue;
    }
    if (!want(event.provider)) continue;
    uint32_t event_id = 0;
    if (libevtx_record_get_event_identifier(record.get(), &event_id, &err) !=
        1) {
      damage(index, EvtxError(err));
      continue;
    }
    event.event_id = event_id & 0xFFFF;
    libevtx_record_get_identifier(record.get(), &event.record_id, nullptr);
    libevtx_record_get_written_time(record.get(), &event.written, nullptr);
    bool ok =
        Utf8(record.get(), &libevtx_record_get_utf8_user_security_identifier_size,
             &libevtx_record_get_utf8_user_security_identifier,
             limits.max_string, event.user_sid, why) >= 0;
    int strings = 0;
    if (ok && libevtx_record_get_number_of_strings(record.get(), &strings,
                                                   &err) != 1) {
      if (err) libevtx_error_free(&err);
      strings = 0;  // an event without EventData strings
    }
    const int kept =
        strings < 0 ? 0
                    : static_cast<int>(std::min<size_t>(
                          static_cast<size_t>(strings), limits.max_strings));
    for (int s = 0; s < kept && ok; ++s) {
      std::string text;
      ok = Utf8(record.get(), &libevtx_record_get_utf8_string_size,
                &libevtx_record_get_utf8_string, limits.max_string, text, why,
                s) >= 0;
      event.strings.push_back(std::move(text));
    }
    if (!ok) {
      damage(index, why);
      continue;
    }
    size_t data_size = 0;
    if (libevtx_record_get_data_size(record.get(), &data_size, nullptr) == 1 &&
        data_size > 0 && data_size <= limits.max_data) {
      event.data.assign(data_size, '\0');
      if (libevtx_record_get_data(record.get(),
                                  reinterpret_cast<uint8_t*>(event.data.data()),
                                  data_size, nullptr) != 1) {
        event.data.clear();
      }
    }
    on_event(std::move(event));
  }
  if (damaged > kListedDamage) {
    result.problems.push_back(std::to_string(damaged - kListedDamage) +
                              " more records cannot be read");
  }
  if (damaged >= kMaxDamaged) {
    result.problems.push_back(
        std::to_string(kMaxDamaged) +
        " damaged records: the rest of the log is not read");
  }
  return result;
}

}  // namespace contraband
