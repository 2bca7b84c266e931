// A value or a typed error. Parsers in the core return this instead of throwing, so that
// errors never cross the Wasm boundary as exceptions and every parser is fuzzable.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace peerline {

struct Error {
    std::string code;     // stable, machine-readable: "bad-json", "unknown-type", ...
    std::string message;  // readable by a person
};

template <typename T>
class Result {
public:
    Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
    Result(Error error) : state_(std::move(error)) {}      // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    const Error& error() const { return std::get<Error>(state_); }

private:
    std::variant<T, Error> state_;
};

inline Error make_error(std::string code, std::string message) {
    return Error{std::move(code), std::move(message)};
}

}  // namespace peerline
