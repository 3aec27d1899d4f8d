// Boost.JSON in header-only mode: its definitions are compiled once, here.
#include <boost/json/src.hpp>
