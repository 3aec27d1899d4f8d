#pragma once
// The error convention shared by every module.
//
// - Fallible functions return `result<T>`: a value or a `std::error_code`.
// - Each module declares `enum class errc` in its own `errc.h`, with a `std::error_category` and
//   `std::is_error_code_enum`, so its codes compare and print like any other error_code.
// - Wire error codes (Kafka's int16 codes, ZooKeeper's int32 codes) are separate enums owned by the
//   protocol module; only handlers at the edge translate internal errors to them.
// - Exceptions are for programming errors and for failing fast at startup (bad configuration).
//
// Use BOOST_OUTCOME_TRY(x, expr) to propagate an error; no other control-flow macros.
#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

#include <system_error>

namespace brook {

namespace outcome = boost::outcome_v2;

template<class T>
using result = outcome::result<T, std::error_code, outcome::policy::terminate>;

using outcome::success;

} // namespace brook
