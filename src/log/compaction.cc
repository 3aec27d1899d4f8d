// Log compaction (cleanup.policy=compact): keep the newest record of every key.
//
// The cleaner works on the non-active segments only, so appends (which touch only the active
// segment) go on undisturbed; the maintenance lock keeps retention and truncation away meanwhile.
// As in Kafka, the log is split at the cleaner checkpoint into a clean section (already compacted)
// and a dirty section (appended since).
//   1. Dirty ratio: bytes of segments past the cleaner checkpoint / bytes of all non-active
//      segments. Below min.cleanable.dirty.ratio nothing happens (unless forced, or a tombstone's
//      delete horizon has passed, see 4).
//   2. Key map: every key of the dirty section -> offset of its newest record. The map is bounded
//      by `dedupe_buffer_bytes` (log.cleaner.dedupe.buffer.size) at a load factor of 0.9, counting
//      each entry as its key bytes plus a fixed overhead; when the dirty section has more keys, the
//      map stops at a batch boundary `end` and this pass cleans only up to `end`. Later passes (in
//      the same call) continue from there, so the checkpoint always means "compacted below here".
//   3. Every non-active segment with data below `end` is copied to `<base>.log.cleaned`: a record
//      is dropped when the map holds a newer offset for its key; batches at or past `end` are
//      copied as they are. Offsets never change: a batch keeps its base offset and lastOffsetDelta,
//      kept records keep their offset deltas (compressed batches are decompressed, filtered and
//      recompressed with the same codec). Control batches (transaction markers) are kept.
//   4. Tombstones (a key with a null value) follow Kafka's delete horizon (KIP-534): the first
//      cleaning that rewrites a batch holding tombstones stamps the batch with attribute bit 6 and
//      baseTimestamp = now + delete.retention.ms (records are re-encoded so their timestamps stay
//      the same); a tombstone is dropped by a later cleaning at or after that horizon. A consumer
//      that read the log up to the clean section thus has delete.retention.ms to see the tombstone.
//   5. The cleaned files replace the old ones by rename (segment::replace_files_with), and the new
//      segment is swapped into the list under the append lock; readers of the old one retry.
#include "brook/log/errc.h"
#include "brook/log/partition_log.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "segment.h"

#include <limits>
#include <string>
#include <unordered_map>

namespace brook::log {

namespace pk = protocol::kafka;

namespace {

// What one key-map entry costs besides its key bytes: hash node, bucket slot, string header.
constexpr size_t map_entry_overhead = 64;
// Kafka's log.cleaner.io.buffer.load.factor.
constexpr double map_load_factor = 0.9;

struct kept_record {
    pk::record_view rec;
    bytes_view raw;
};

// Calls visit(whole batch bytes, header) for every batch of `seg` while it returns true.
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
        BOOST_OUTCOME_TRY(bool more, visit(bytes_view(buf), b.header));
        if (!more) {
            break;
        }
    }
    return success();
}

// Visits every record of a batch with its raw encoded bytes.
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

void put_uvarint(bytes& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(uint8_t(v | 0x80));
        v >>= 7;
    }
    out.push_back(uint8_t(v));
}

void put_varlong(bytes& out, int64_t v) {
    put_uvarint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63));
}

void put_nullable(bytes& body, const std::optional<bytes_view>& f) {
    if (!f) {
        put_varlong(body, -1);
        return;
    }
    put_varlong(body, int64_t(f->size()));
    body.insert(body.end(), f->begin(), f->end());
}

// Re-encodes a record with another timestamp delta (layout in brook/protocol/kafka/record.h).
void encode_record(bytes& out, const pk::record_view& r, int64_t timestamp_delta) {
    bytes body;
    body.push_back(uint8_t(r.attributes));
    put_varlong(body, timestamp_delta);
    put_varlong(body, r.offset_delta);
    put_nullable(body, r.key);
    put_nullable(body, r.value);
    put_varlong(body, r.header_count);
    body.insert(body.end(), r.headers_encoded.begin(), r.headers_encoded.end());
    put_varlong(out, int64_t(body.size()));
    out.insert(out.end(), body.begin(), body.end());
}

// A batch holding only `kept` records, with the original base offset, lastOffsetDelta, max
// timestamp and producer fields. With `horizon`, the batch gets the delete-horizon attribute and
// baseTimestamp = *horizon, and each record's delta is recomputed so its timestamp is unchanged.
result<bytes> rebuild_batch(const pk::record_batch_header& h, const std::vector<kept_record>& kept,
                            std::optional<int64_t> horizon) {
    bytes payload;
    for (const auto& k : kept) {
        if (horizon) {
            encode_record(payload, k.rec, h.base_timestamp + k.rec.timestamp_delta - *horizon);
        } else {
            payload.insert(payload.end(), k.raw.begin(), k.raw.end());
        }
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
    if (horizon) {
        nh.attributes = int16_t(nh.attributes | pk::batch_attributes::delete_horizon);
        nh.base_timestamp = *horizon;
    }
    pk::write_record_batch_header(nh, out);
    std::copy(payload.begin(), payload.end(), out.begin() + long(pk::record_batch_layout::header_size));
    pk::update_record_batch_crc(out);
    return out;
}

std::string key_of(bytes_view k) {
    return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

// The dirty section's keys, bounded in bytes.
struct key_map {
    std::unordered_map<std::string, int64_t> latest;
    size_t bytes = 0;
    size_t limit = 0;
};

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
    const size_t max_decompressed = pk::default_max_decompressed_batch;
    const size_t map_limit = size_t(double(_cfg.dedupe_buffer_bytes) * map_load_factor);
    bool tombstones_due = now >= _tombstone_horizon.load();
    int64_t next_horizon = std::numeric_limits<int64_t>::max();
    segment_config scfg{_cfg.segment_bytes, _cfg.index_interval_bytes, _cfg.max_index_bytes};

    for (;;) {
        auto segs = snapshot();
        if (segs->size() < 2) {
            break;
        }
        std::vector<std::shared_ptr<segment>> cleanable(segs->begin(), segs->end() - 1);
        const offset active_base = segs->back()->base_offset();
        uint64_t total = 0;
        uint64_t dirty = 0;
        offset first_dirty = std::max(cleaner_checkpoint(), log_start_offset());
        for (const auto& s : cleanable) {
            total += s->size();
            if (s->next_offset() > first_dirty) {
                dirty += s->size();
            }
        }
        if (st.passes == 0) {
            bool ratio_met = dirty > 0 && double(dirty) >= _cfg.min_cleanable_dirty_ratio * double(total);
            if (total == 0 || (!force && !ratio_met && !tombstones_due)) {
                return st;
            }
            st.ran = true;
            st.bytes_before = total;
        } else if (first_dirty >= active_base) {
            break; // the dirty section is done
        }
        ++st.passes;

        // Key map of the dirty section, up to what fits.
        key_map map;
        map.limit = map_limit;
        offset end = active_base;
        bool full = false;
        for (const auto& s : cleanable) {
            if (full || s->next_offset() <= first_dirty) {
                continue;
            }
            BOOST_OUTCOME_TRY(check_io(for_each_batch(*s, [&](bytes_view whole, const batch_header& h) -> result<bool> {
                if (h.last_offset() < first_dirty || h.is_control()) {
                    return true;
                }
                auto d = pk::decoded_record_batch::decode(whole, max_decompressed, false);
                if (!d) {
                    return errc::corrupt_batch;
                }
                std::vector<std::pair<bytes_view, int64_t>> keys;
                size_t cost = 0;
                BOOST_OUTCOME_TRY(for_each_record(d.value(), [&](const pk::record_view& r, bytes_view) {
                    if (r.key) {
                        keys.emplace_back(*r.key, h.base_offset.value() + r.offset_delta);
                        cost += map_entry_overhead + r.key->size();
                    }
                }));
                // The first batch always goes in, so that every pass makes progress.
                if (!map.latest.empty() && map.bytes + cost > map.limit) {
                    end = h.base_offset;
                    full = true;
                    return false;
                }
                for (const auto& [k, off] : keys) {
                    auto [it, inserted] = map.latest.insert_or_assign(key_of(k), off);
                    if (inserted) {
                        map.bytes += map_entry_overhead + k.size();
                    }
                }
                return true;
            })));
        }
        st.max_map_keys = std::max(st.max_map_keys, map.latest.size());

        // Copy every segment holding data below `end`, dropping superseded records and expired
        // tombstones.
        int64_t horizon_for_new = now + _cfg.delete_retention_ms;
        for (const auto& s : cleanable) {
            if (s->base_offset() >= end) {
                break;
            }
            BOOST_OUTCOME_TRY(auto cleaned,
                              check_io(segment::create(_dir, s->base_offset(), scfg, _files, now, ".cleaned")));
            bool changed = false;
            auto r = for_each_batch(*s, [&](bytes_view whole, const batch_header& h) -> result<bool> {
                bytes rebuilt;
                bytes_view out = whole;
                if (!h.is_control() && h.base_offset < end) {
                    auto d = pk::decoded_record_batch::decode(whole, max_decompressed, false);
                    if (!d) {
                        return errc::corrupt_batch;
                    }
                    const auto& ph = d.value().header();
                    std::optional<int64_t> stamped;
                    if (ph.has_delete_horizon()) {
                        stamped = ph.base_timestamp;
                    }
                    std::vector<kept_record> kept;
                    int32_t count = 0;
                    bool has_tombstone = false;
                    BOOST_OUTCOME_TRY(for_each_record(d.value(), [&](const pk::record_view& rec, bytes_view raw) {
                        ++count;
                        if (rec.key) {
                            auto it = map.latest.find(key_of(*rec.key));
                            int64_t off = h.base_offset.value() + rec.offset_delta;
                            if (it != map.latest.end() && it->second > off) {
                                return; // superseded by a newer record with this key
                            }
                            if (!rec.value) {
                                if (stamped && now >= *stamped) {
                                    return; // tombstone past its delete horizon
                                }
                                has_tombstone = true;
                            }
                        }
                        kept.push_back({rec, raw});
                    }));
                    bool stamp = has_tombstone && !stamped;
                    if (has_tombstone) {
                        next_horizon = std::min(next_horizon, stamp ? horizon_for_new : *stamped);
                    }
                    if (kept.empty()) {
                        st.records_removed += count;
                        changed = true;
                        return true;
                    }
                    if (int32_t(kept.size()) != count || stamp) {
                        st.records_removed += count - int32_t(kept.size());
                        changed = true;
                        BOOST_OUTCOME_TRY(
                            rebuilt, rebuild_batch(ph, kept, stamp ? std::optional(horizon_for_new) : std::nullopt));
                        out = rebuilt;
                    }
                }
                batch_position bp{h, 0};
                bp.header.batch_length = int32_t(out.size() - batch_log_overhead);
                BOOST_OUTCOME_TRY(cleaned->append(out, std::span(&bp, 1)));
                return true;
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
        if (end.value() > _cleaner_checkpoint.load()) {
            _cleaner_checkpoint.store(end.value());
        }
        if (end >= active_base) {
            break;
        }
    }
    // Every batch below the checkpoint was seen: the earliest horizon left is known.
    _tombstone_horizon.store(next_horizon);
    auto segs = snapshot();
    for (size_t i = 0; i + 1 < segs->size(); ++i) {
        st.bytes_after += (*segs)[i]->size();
    }
    return st;
}

} // namespace brook::log
