#pragma once
// Strong typedefs: an offset is not an epoch is not a node id, even though all are integers.
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>

namespace brook {

template<class T, class Tag>
class named_type {
public:
    using value_type = T;

    constexpr named_type() = default;
    constexpr explicit named_type(T v) noexcept : _value(v) {}

    constexpr T value() const noexcept { return _value; }
    constexpr explicit operator T() const noexcept { return _value; }

    constexpr auto operator<=>(const named_type&) const = default;

    constexpr named_type& operator++() noexcept {
        ++_value;
        return *this;
    }
    constexpr named_type operator+(T delta) const noexcept { return named_type(_value + delta); }
    constexpr named_type operator-(T delta) const noexcept { return named_type(_value - delta); }

    static constexpr named_type min() noexcept { return named_type(std::numeric_limits<T>::min()); }
    static constexpr named_type max() noexcept { return named_type(std::numeric_limits<T>::max()); }

    friend std::ostream& operator<<(std::ostream& os, const named_type& v) { return os << v._value; }

private:
    T _value{};
};

} // namespace brook

template<class T, class Tag>
struct std::hash<brook::named_type<T, Tag>> {
    size_t operator()(const brook::named_type<T, Tag>& v) const noexcept { return std::hash<T>{}(v.value()); }
};
