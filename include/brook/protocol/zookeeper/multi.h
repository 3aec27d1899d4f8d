#pragma once
// multi / multiRead bodies. Wire format (after the RequestHeader / ReplyHeader):
//
//   request:  { MultiHeader{type = op, done = false, err = -1} | op record }*  MultiHeader{-1, true, -1}
//   response: { MultiHeader{type = result type, done = false, err} | result record }*  MultiHeader{-1, true, -1}
//
// Op records by type: create / create2 / createContainer -> CreateRequest, createTTL -> CreateTTLRequest,
// delete -> DeleteRequest, setData -> SetDataRequest, check -> CheckVersionRequest, getChildren ->
// GetChildrenRequest, getData -> GetDataRequest. Result records by type: create -> CreateResponse,
// create2 -> Create2Response, delete / check -> nothing, setData -> SetDataResponse, getChildren ->
// GetChildrenResponse, getData -> GetDataResponse, error (-1) -> ErrorResponse.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/records.h"

#include <variant>
#include <vector>

namespace brook::protocol::zookeeper {

using multi_op_body = std::variant<create_request, create_ttl_request, delete_request, set_data_request,
                                   check_version_request, get_children_request, get_data_request>;

struct multi_op {
    op_code type = op_code::error;
    multi_op_body body;
    bool operator==(const multi_op&) const = default;
};

struct multi_request {
    std::vector<multi_op> ops;
    bool operator==(const multi_request&) const = default;
};

/// delete / check results carry no record (monostate); errors carry ErrorResponse.
using multi_result_body = std::variant<std::monostate, create_response, create2_response, set_data_response,
                                       get_children_response, get_data_response, error_response>;

struct multi_result {
    op_code type = op_code::error;
    int32_t err = 0;
    multi_result_body body;
    bool operator==(const multi_result&) const = default;
};

struct multi_response {
    std::vector<multi_result> results;
    bool operator==(const multi_response&) const = default;
};

void encode(jute_writer& w, const multi_request& req);
void encode(jute_writer& w, const multi_response& rsp);
result<multi_request> decode_multi_request(jute_reader& r);
result<multi_response> decode_multi_response(jute_reader& r);

} // namespace brook::protocol::zookeeper
