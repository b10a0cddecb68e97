// A growable byte buffer for socket reads: read into the free tail, consume from the front.
// Unlike std::string it never zero-fills what a read is about to overwrite.
// Thread-safety: single owner.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace parapet {

class Buffer {
 public:
  explicit Buffer(size_t initial = 16384) : initial_(initial) {}

  // Bytes received and not yet consumed.
  std::string_view data() const { return {buf_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }

  // A writable region of at least n bytes at the tail (moves or grows the storage).
  char* prepare(size_t n, size_t* avail) {
    if (!buf_) {
      cap_ = std::max(initial_, n);
      buf_ = std::make_unique<char[]>(cap_);
    }
    if (cap_ - end_ < n) {
      size_t live = end_ - begin_;
      if (live + n <= cap_) {
        std::memmove(buf_.get(), buf_.get() + begin_, live);
      } else {
        size_t cap = std::max(cap_ * 2, live + n);
        auto nb = std::make_unique<char[]>(cap);
        std::memcpy(nb.get(), buf_.get() + begin_, live);
        buf_ = std::move(nb);
        cap_ = cap;
      }
      begin_ = 0;
      end_ = live;
    }
    *avail = cap_ - end_;
    return buf_.get() + end_;
  }
  void commit(size_t n) { end_ += n; }
  void consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Frees the storage when nothing is pending (idle keep-alive connections hold no buffer).
  void release_if_empty() {
    if (empty()) {
      buf_.reset();
      cap_ = 0;
    }
  }

 private:
  size_t initial_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0, begin_ = 0, end_ = 0;
};

}  // namespace parapet
