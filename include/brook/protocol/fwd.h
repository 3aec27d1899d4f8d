#pragma once
// Forward declarations of the protocol module's main types.
#include <cstdint>

namespace brook::protocol::kafka {

class reader;
class writer;
struct tagged_field;
struct api_info;
struct request_header;
struct response_header;
struct decoded_request;
enum class decode_errc;
enum class error_code : int16_t;

} // namespace brook::protocol::kafka
