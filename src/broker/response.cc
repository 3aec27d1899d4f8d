#include "brook/broker/response.h"

namespace brook::broker {

void response::append(bytes b) {
    if (b.empty()) {
        return;
    }
    _size += b.size();
    // Adjacent byte chunks are merged so that a response is few iovecs.
    if (!_chunks.empty()) {
        if (auto* last = std::get_if<bytes>(&_chunks.back())) {
            last->insert(last->end(), b.begin(), b.end());
            return;
        }
    }
    _chunks.emplace_back(std::move(b));
}

void response::append(file_region r) {
    if (r.length == 0) {
        return;
    }
    _size += r.length;
    _chunks.emplace_back(std::move(r));
}

} // namespace brook::broker
