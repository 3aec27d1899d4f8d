#pragma once
// Precompiled header for the modules that use Asio (broker, client, coordinator server).
// Parsing these headers costs ~20 s per translation unit; compiling them once per target keeps
// builds fast. Not for inclusion: CMake injects it through target_precompile_headers.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/outcome.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
