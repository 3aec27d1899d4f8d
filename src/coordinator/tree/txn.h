#pragma once
// Transactions: every write becomes one txn with a zxid (epoch << 32 | counter), logged before its
// reply and applied to the data tree in zxid order. A txn records the resolved outcome (final
// sequential path, the parent's new cversion, the new version) so replay never re-decides anything.
//
// Encoding (jute, see brook/protocol/zookeeper/jute.h), used in the txn log and nowhere else:
//   txn     = txn_header | body(type)
//   body    = create_txn | delete_txn | set_data_txn | set_acl_txn | check_txn | create_session_txn
//             | close_session_txn (empty) | multi: int32 count, then count x (int32 type | body(type))
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/zookeeper/records.h"

#include <cstdint>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace brook::coordinator::tree {

namespace zk = brook::protocol::zookeeper;

enum class txn_type : int32_t {
    create = 1,
    remove = 2,
    set_data = 5,
    set_acl = 7,
    check = 13,
    multi = 14,
    create_session = -10,
    close_session = -11,
};

struct txn_header {
    int64_t session = 0;
    int64_t zxid = 0;
    int64_t time = 0; // ms since the epoch, becomes ctime/mtime
    int32_t type = 0;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.session, s.zxid, s.time, s.type);
    }
    bool operator==(const txn_header&) const = default;
};

struct create_txn {
    std::string path;
    bytes data;
    std::vector<zk::acl> acl;
    int64_t ephemeral_owner = 0; // session id, or the container / TTL marker (see znode.h)
    int32_t parent_cversion = 0;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.path, s.data, s.acl, s.ephemeral_owner, s.parent_cversion);
    }
    bool operator==(const create_txn&) const = default;
};

struct delete_txn {
    std::string path;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.path);
    }
    bool operator==(const delete_txn&) const = default;
};

struct set_data_txn {
    std::string path;
    bytes data;
    int32_t version = 0; // the new version
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.path, s.data, s.version);
    }
    bool operator==(const set_data_txn&) const = default;
};

struct set_acl_txn {
    std::string path;
    std::vector<zk::acl> acl;
    int32_t version = 0; // the new aversion
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.path, s.acl, s.version);
    }
    bool operator==(const set_acl_txn&) const = default;
};

struct check_txn {
    std::string path;
    int32_t version = 0;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.path, s.version);
    }
    bool operator==(const check_txn&) const = default;
};

struct create_session_txn {
    int32_t timeout = 0;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.timeout);
    }
    bool operator==(const create_session_txn&) const = default;
};

struct close_session_txn {
    bool operator==(const close_session_txn&) const = default;
};

using txn_op = std::variant<create_txn, delete_txn, set_data_txn, set_acl_txn, check_txn>;

struct multi_txn {
    std::vector<txn_op> ops;
    bool operator==(const multi_txn&) const = default;
};

using txn_body = std::variant<create_txn, delete_txn, set_data_txn, set_acl_txn, check_txn, create_session_txn,
                              close_session_txn, multi_txn>;

struct txn {
    txn_header header;
    txn_body body;
    bool operator==(const txn&) const = default;
};

txn_type type_of(const txn_body& body);
bytes encode_txn(const txn& t);
result<txn> decode_txn(bytes_view in);

} // namespace brook::coordinator::tree
