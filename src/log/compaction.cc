// Log compaction (cleanup.policy=compact): keep the newest record of every key.
//
// The cleaner works on the non-active segments only, so appends (which touch only the active
// segment) go on undisturbed; the maintenance lock keeps retention and truncation away meanwhile.
//   1. Dirty ratio: bytes past the cleaner checkpoint / bytes of all non-active segments. Below
//      min.cleanable.dirty.ratio nothing happens.
//   2. Pass 1 maps every key to the offset of its newest record.
//   3. Pass 2 copies each segment to `<base>.log.cleaned` keeping a record when it is the newest for
//      its key (records without a key are kept), dropping tombstones (null value) whose batch is
//      older than delete.retention.ms. Offsets never change: a batch keeps its base offset and
//      lastOffsetDelta, and kept records keep their offset deltas (their bytes are copied as is;
//      compressed batches are decompressed, filtered and recompressed with the same codec).
//      Control batches (transaction markers) are kept.
//   4. The cleaned files replace the old ones by rename (segment::replace_files_with), and the new
//      segment is swapped into the list under the append lock; readers of the old one retry.
#include "brook/log/errc.h"
#include "brook/log/partition_log.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "segment.h"

#include <string>
#include <unordered_map>

namespace brook::log {

namespace pk = protocol::kafka;

namespace {

struct kept_record {
    bytes_view raw;
};

// Calls visit(whole batch bytes, header) for every batch of `seg`.
template<class Visit>
result<void> for_each_batch(segment& seg, Visit&& visit) {
    BOOST_OUTCOME_TRY(auto f, seg.file());
    std::vector<batch_position> positions;
    BOOST_OUTCOME_TRY(seg.scan(f, 0, seg.size(), [&](const batch_position& b) {
        positions.push_back(b);
        return true;
    }));
    bytes buf;
    for (const auto& b : positions) {
        buf.clear();
        BOOST_OUTCOME_TRY(seg.read(f, b.position, b.header.size_bytes(), buf));
        BOOST_OUTCOME_TRY(visit(bytes_view(buf), b.header));
    }
    return success();
}

// Visits every record of a batch with its offset and raw encoded bytes.
template<class Visit>
result<void> for_each_record(const pk::decoded_record_batch& d, Visit&& visit) {
    auto reader = d.records();
    auto payload = d.payload();
    size_t pos = 0;
    while (!reader.done()) {
        auto r = reader.next();
        if (!r) {
            return errc::corrupt_batch;
        }
        visit(r.value(), payload.subspan(pos, r.value().size_bytes));
        pos += r.value().size_bytes;
    }
    return success();
}

// A batch holding only `kept` records, with the original base offset, lastOffsetDelta, timestamps
// and producer fields.
result<bytes> rebuild_batch(bytes_view whole, const pk::record_batch_header& h, const std::vector<kept_record>& kept) {
    bytes payload;
    for (const auto& k : kept) {
        payload.insert(payload.end(), k.raw.begin(), k.raw.end());
    }
    if (h.compression() != pk::compression_type::none) {
        auto c = pk::compress(h.compression(), payload);
        if (!c) {
            return errc::corrupt_batch;
        }
        payload = std::move(c.value());
    }
    bytes out(pk::record_batch_layout::header_size + payload.size());
    auto nh = h;
    nh.records_count = int32_t(kept.size());
    nh.batch_length = int32_t(out.size() - pk::record_batch_layout::log_overhead);
    pk::write_record_batch_header(nh, out);
    std::copy(payload.begin(), payload.end(), out.begin() + long(pk::record_batch_layout::header_size));
    pk::update_record_batch_crc(out);
    (void)whole;
    return out;
}

std::string key_of(bytes_view k) {
    return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

} // namespace

result<compaction_stats> partition_log::compact(int64_t now, bool force) {
    compaction_stats st;
    if (offline()) {
        return errc::log_offline;
    }
    if (!_cfg.cleanup_compact) {
        return st;
    }
    std::lock_guard maint(_maintenance_mutex);
    auto segs = snapshot();
    if (segs->size() < 2) {
        return st;
    }
    std::vector<std::shared_ptr<segment>> cleanable(segs->begin(), segs->end() - 1);
    uint64_t total = 0;
    uint64_t dirty = 0;
    offset first_dirty = std::max(cleaner_checkpoint(), log_start_offset());
    for (const auto& s : cleanable) {
        total += s->size();
        if (s->next_offset() > first_dirty) {
            dirty += s->size();
        }
    }
    if (total == 0 || (!force && double(dirty) < _cfg.min_cleanable_dirty_ratio * double(total))) {
        return st;
    }
    st.ran = true;
    st.bytes_before = total;
    const size_t max_decompressed = pk::default_max_decompressed_batch;

    std::unordered_map<std::string, int64_t> latest;
    for (const auto& s : cleanable) {
        BOOST_OUTCOME_TRY(check_io(for_each_batch(*s, [&](bytes_view whole, const batch_header& h) -> result<void> {
            if (h.is_control()) {
                return success();
            }
            auto d = pk::decoded_record_batch::decode(whole, max_decompressed, false);
            if (!d) {
                return errc::corrupt_batch;
            }
            return for_each_record(d.value(), [&](const pk::record_view& r, bytes_view) {
                if (r.key) {
                    latest[key_of(*r.key)] = h.base_offset.value() + r.offset_delta;
                }
            });
        })));
    }

    segment_config scfg{_cfg.segment_bytes, _cfg.index_interval_bytes, _cfg.max_index_bytes};
    for (const auto& s : cleanable) {
        BOOST_OUTCOME_TRY(auto cleaned,
                          check_io(segment::create(_dir, s->base_offset(), scfg, _files, now, ".cleaned")));
        bool changed = false;
        auto r = for_each_batch(*s, [&](bytes_view whole, const batch_header& h) -> result<void> {
            bytes rebuilt;
            bytes_view out = whole;
            if (!h.is_control()) {
                auto d = pk::decoded_record_batch::decode(whole, max_decompressed, false);
                if (!d) {
                    return errc::corrupt_batch;
                }
                std::vector<kept_record> kept;
                int32_t count = 0;
                bool tombstones_expired = h.max_timestamp < now - _cfg.delete_retention_ms;
                BOOST_OUTCOME_TRY(for_each_record(d.value(), [&](const pk::record_view& rec, bytes_view raw) {
                    ++count;
                    if (rec.key) {
                        auto it = latest.find(key_of(*rec.key));
                        int64_t off = h.base_offset.value() + rec.offset_delta;
                        if (it != latest.end() && it->second != off) {
                            return; // superseded by a newer record with this key
                        }
                        if (!rec.value && tombstones_expired) {
                            return; // tombstone past delete.retention.ms
                        }
                    }
                    kept.push_back({raw});
                }));
                if (kept.empty()) {
                    st.records_removed += count;
                    changed = true;
                    return success();
                }
                if (int32_t(kept.size()) != count) {
                    st.records_removed += count - int32_t(kept.size());
                    changed = true;
                    BOOST_OUTCOME_TRY(rebuilt, rebuild_batch(whole, d.value().header(), kept));
                    out = rebuilt;
                }
            }
            batch_position bp{h, 0};
            bp.header.batch_length = int32_t(out.size() - batch_log_overhead);
            return cleaned->append(out, std::span(&bp, 1));
        });
        if (!r || !changed) {
            cleaned->remove_files();
            BOOST_OUTCOME_TRY(check_io(std::move(r)));
            continue;
        }
        offset next = s->next_offset();
        BOOST_OUTCOME_TRY(check_io(s->replace_files_with(*cleaned)));
        BOOST_OUTCOME_TRY(auto fresh, check_io(segment::describe(_dir, s->base_offset(), scfg, _files, now)));
        fresh->set_next_offset_hint(next);
        st.bytes_after += fresh->size();
        ++st.segments_cleaned;
        std::lock_guard lock(_append_mutex);
        auto list = *snapshot();
        for (auto& x : list) {
            if (x == s) {
                x = fresh;
            }
        }
        publish(std::move(list));
    }
    _cleaner_checkpoint.store(segs->back()->base_offset().value());
    return st;
}

} // namespace brook::log
